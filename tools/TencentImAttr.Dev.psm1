# Development helpers shared by build.ps1 (-Task Try) and the Pester suites: start the built emulator on a free
# loopback port and stop it again. Not part of the published module.

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path

function Start-TestEmulator {
    <#
    .SYNOPSIS
        Starts the built emulator on a free 127.0.0.1 port with a key made up for this run.
    .OUTPUTS
        An object with Process, BaseUri, SdkAppId, Identifier and SecretKey (a SecureString).
    #>
    [CmdletBinding()]
    param(
        # The app the emulator serves.
        [long] $SdkAppId = 1400000000,
        # Extra emulator options, e.g. '--latency-ms', '20'.
        [string[]] $ArgumentList = @(),
        [timespan] $StartTimeout = [timespan]::FromMinutes(2)
    )
    $dll = Join-Path $script:RepoRoot 'out/TencentImAttr.Emulator/TencentImAttr.Emulator.dll'
    if (-not (Test-Path $dll)) {
        # Until the emulator is laid out in out/, take the newest build output.
        $dll = Get-ChildItem -Path (Join-Path $script:RepoRoot 'src/TencentImAttr.Emulator/bin') -Recurse -Filter 'TencentImAttr.Emulator.dll' -ErrorAction SilentlyContinue |
            Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1 -ExpandProperty FullName
    }
    if (-not $dll) { throw 'The emulator is not built: run dotnet build TencentImAttr.sln (or ./build.ps1) first.' }

    $key = 'emulator-key-' + [guid]::NewGuid().ToString('N')
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($arg in @($dll, '--port', '0', '--key', $key, '--sdkappid', $SdkAppId) + $ArgumentList) { $startInfo.ArgumentList.Add($arg) }
    $startInfo.RedirectStandardOutput = $true
    $startInfo.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($startInfo)

    # The emulator prints "Listening on http://127.0.0.1:NNNNN" once it accepts calls.
    $deadline = [datetime]::UtcNow + $StartTimeout
    $baseUri = $null
    while (-not $baseUri) {
        $read = $process.StandardOutput.ReadLineAsync()
        $left = $deadline - [datetime]::UtcNow
        if ($left -le [timespan]::Zero -or -not $read.Wait($left)) {
            $process.Kill($true)
            throw 'The emulator did not print its URL in time.'
        }
        if ($null -eq $read.Result) { throw "The emulator exited before printing its URL (exit code $($process.ExitCode))." }
        if ($read.Result -match '^Listening on (http://\S+)$') { $baseUri = $Matches[1] + '/' }
    }
    # Keep reading its output so that a chatty emulator never blocks on a full pipe.
    $null = $process.StandardOutput.ReadToEndAsync()
    [pscustomobject]@{
        Process    = $process
        BaseUri    = $baseUri
        SdkAppId   = $SdkAppId
        Identifier = 'administrator'
        SecretKey  = ConvertTo-SecureString $key -AsPlainText -Force
    }
}

function Stop-TestEmulator {
    <#
    .SYNOPSIS
        Stops an emulator started by Start-TestEmulator.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Emulator)
    $process = $Emulator.Process
    if ($process -and -not $process.HasExited) {
        $process.Kill($true)
        $null = $process.WaitForExit(10000)
    }
    if ($process) { $process.Dispose() }
}

function Connect-TestEmulator {
    <#
    .SYNOPSIS
        Connect-ImApp to an emulator started by Start-TestEmulator; extra parameters go to Connect-ImApp.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Emulator,
        [hashtable] $Parameters = @{}
    )
    Connect-ImApp -SdkAppId $Emulator.SdkAppId -Identifier $Emulator.Identifier -SecretKey $Emulator.SecretKey -BaseUri $Emulator.BaseUri @Parameters
}

function New-TestUserSig {
    <#
    .SYNOPSIS
        Makes a UserSig (TLS signature v2, shared/API.md) independently of the module's own code, for tests that need
        a ready -UserSig.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [long] $SdkAppId,
        [Parameter(Mandatory)] [string] $Identifier,
        [Parameter(Mandatory)] [securestring] $SecretKey,
        [long] $LifetimeSeconds = 86400
    )
    $key = [System.Text.Encoding]::UTF8.GetBytes([System.Net.NetworkCredential]::new('', $SecretKey).Password)
    $time = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    $text = "TLS.identifier:$Identifier`nTLS.sdkappid:$SdkAppId`nTLS.time:$time`nTLS.expire:$LifetimeSeconds`n"
    $hmac = [System.Security.Cryptography.HMACSHA256]::new($key)
    try { $sig = [Convert]::ToBase64String($hmac.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($text))) }
    finally { $hmac.Dispose() }
    $json = [ordered]@{ 'TLS.ver' = '2.0'; 'TLS.identifier' = $Identifier; 'TLS.sdkappid' = $SdkAppId; 'TLS.expire' = $LifetimeSeconds; 'TLS.time' = $time; 'TLS.sig' = $sig } |
        ConvertTo-Json -Compress
    $buffer = [System.IO.MemoryStream]::new()
    $zlib = [System.IO.Compression.ZLibStream]::new($buffer, [System.IO.Compression.CompressionLevel]::Optimal)
    $bytes = [System.Text.Encoding]::UTF8.GetBytes($json)
    $zlib.Write($bytes, 0, $bytes.Length)
    $zlib.Dispose()
    [Convert]::ToBase64String($buffer.ToArray()).Replace('+', '*').Replace('/', '-').Replace('=', '_')
}

function Invoke-TestPwsh {
    <#
    .SYNOPSIS
        Runs a script in a new pwsh process (-NonInteractive unless -Interactive; no input), with the module imported and the TENCENTIM_*
        variables pointing at an emulator started by Start-TestEmulator. Returns every line it printed (all streams,
        merged) and its exit code.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory)] [string] $ModulePath,
        [Parameter(Mandatory)] [string] $Script,
        [int] $Width = 300,
        # Without -NonInteractive: a host that would ask, reading its answers from a standard input that has ended
        # (what `pwsh -File script.ps1 </dev/null` and a cron job are).
        [switch] $Interactive
    )
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    if (Test-Path $pwshDll) { $startInfo.ArgumentList.Add($pwshDll) } else { $startInfo.FileName = Join-Path $PSHOME 'pwsh' }
    $arguments = @('-NoProfile') + @(if (-not $Interactive) { '-NonInteractive' }) + @('-Command', "Import-Module '$ModulePath'; $Script *>&1 | Out-String -Width $Width")
    foreach ($arg in $arguments) {
        $startInfo.ArgumentList.Add($arg)
    }
    # The key goes through the environment, never on a command line.
    $startInfo.Environment['TENCENTIM_SDKAPPID'] = "$($Emulator.SdkAppId)"
    $startInfo.Environment['TENCENTIM_IDENTIFIER'] = $Emulator.Identifier
    $startInfo.Environment['TENCENTIM_SECRETKEY'] = [System.Net.NetworkCredential]::new('', $Emulator.SecretKey).Password
    $startInfo.Environment['TENCENTIM_BASEURI'] = $Emulator.BaseUri
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.RedirectStandardInput = $true
    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        $process.WaitForExit()
        [pscustomobject]@{
            Lines    = @(($stdout.Result + $stderr.Result) -split "`r?`n" | Where-Object { $_ })
            ExitCode = $process.ExitCode
        }
    }
    finally { $process.Dispose() }
}

Export-ModuleMember -Function Start-TestEmulator, Stop-TestEmulator, Connect-TestEmulator, New-TestUserSig, Invoke-TestPwsh
