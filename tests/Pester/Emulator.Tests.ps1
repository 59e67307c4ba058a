#Requires -Version 7.2
# Pester 5: the built module against the local emulator, through the cmdlets only.
# It builds nothing: build the module into out/TencentImAttr/ and the emulator (dotnet build) first.
# The emulator runs as a child process on a free loopback port, with a key made up for this run.

BeforeAll {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $modulePath = Join-Path $repoRoot 'out/TencentImAttr/TencentImAttr.psd1'
    if (-not (Test-Path $modulePath)) {
        throw "The module is not built: $modulePath is missing."
    }
    Import-Module $modulePath -Force

    # The newest built emulator if there is one (quick to start); otherwise dotnet run, which builds it.
    $project = Join-Path $repoRoot 'src/TencentImAttr.Emulator'
    $builtDll = Get-ChildItem -Path (Join-Path $project 'bin') -Recurse -Filter 'TencentImAttr.Emulator.dll' -ErrorAction SilentlyContinue |
        Sort-Object LastWriteTimeUtc -Descending |
        Select-Object -First 1

    $script:emulatorKey = 'pester-emulator-key-' + [guid]::NewGuid().ToString('N')
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    if ($builtDll) {
        $startInfo.ArgumentList.Add($builtDll.FullName)
    }
    else {
        foreach ($arg in 'run', '--project', $project, '--') { $startInfo.ArgumentList.Add($arg) }
    }
    foreach ($arg in '--port', '0', '--key', $script:emulatorKey) { $startInfo.ArgumentList.Add($arg) }
    $startInfo.RedirectStandardOutput = $true
    $startInfo.UseShellExecute = $false
    $script:emulator = [System.Diagnostics.Process]::Start($startInfo)

    # The emulator prints "Listening on http://127.0.0.1:NNNNN" once it accepts calls.
    $script:baseUri = $null
    $deadline = [datetime]::UtcNow.AddMinutes(3)
    while (-not $script:baseUri) {
        $read = $script:emulator.StandardOutput.ReadLineAsync()
        $left = $deadline - [datetime]::UtcNow
        if ($left -le [timespan]::Zero -or -not $read.Wait($left)) {
            throw 'The emulator did not print its URL in time.'
        }
        $line = $read.Result
        if ($null -eq $line) {
            throw "The emulator exited before printing its URL (exit code $($script:emulator.ExitCode))."
        }
        if ($line -match '^Listening on (http://\S+)$') {
            $script:baseUri = $Matches[1] + '/'
        }
    }

    $secret = ConvertTo-SecureString $script:emulatorKey -AsPlainText -Force
    Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -SecretKey $secret -BaseUri $script:baseUri
    Set-ImAppAttributeName -Name 'city', 'tier' -Force
}

AfterAll {
    if (Get-Command Disconnect-ImApp -ErrorAction SilentlyContinue) {
        Disconnect-ImApp -ErrorAction SilentlyContinue
    }
    if ($script:emulator) {
        if (-not $script:emulator.HasExited) {
            $script:emulator.Kill($true)
            $null = $script:emulator.WaitForExit(10000)
        }
        $script:emulator.Dispose()
    }
    Remove-Module TencentImAttr -ErrorAction SilentlyContinue
}

Describe 'TencentImAttr against the emulator' {
    It 'sets and reads back one user' {
        Set-ImUserAttribute -UserId alice -Attribute @{ city = 'Shenzhen' }

        $user = Get-ImUserAttribute alice

        $user.UserId | Should -Be 'alice'
        $user.Attributes['city'] | Should -Be 'Shenzhen'
    }

    It 'removes an attribute' {
        Set-ImUserAttribute -UserId bob -Attribute @{ city = 'Lyon'; tier = 'gold' }

        Remove-ImUserAttribute bob -Name city -Force
        $user = Get-ImUserAttribute bob

        $user.Attributes.ContainsKey('city') | Should -Be $false
        $user.Attributes['tier'] | Should -Be 'gold'
    }

    It 'answers a user with no attributes with an empty table' {
        $user = Get-ImUserAttribute nobody-here

        $user.UserId | Should -Be 'nobody-here'
        $user.Attributes.Count | Should -Be 0
    }

    It 'handles hundreds of users in one command, in input order' {
        $ids = 1..250 | ForEach-Object { 'user{0:D4}' -f $_ }

        Set-ImUserAttribute -UserId $ids -Attribute @{ tier = 'silver' }
        $users = @(Get-ImUserAttribute -UserId $ids)

        $users.Count | Should -Be 250
        ($users.UserId -join ',') | Should -Be ($ids -join ',')
        @($users | Where-Object { $_.Attributes['tier'] -ne 'silver' }).Count | Should -Be 0

        Remove-ImUserAttribute -UserId $ids -Name tier -Force
        @(Get-ImUserAttribute -UserId $ids | Where-Object { $_.Attributes.Count -ne 0 }).Count | Should -Be 0
    }

    # Until issue 22 an unregistered name went out and came back as 90033 per user; now it stops the command before it is
    # sent (90033 is still narrowed to its users for names changed on the server during a run: see the xunit suite).
    It 'stops at an unregistered attribute name before anything is sent, naming it' {
        { Set-ImUserAttribute -UserId carol -Attribute @{ color = 'red' } } | Should -Throw -ErrorId 'AttributeNameNotRegistered,*'
        (Get-ImUserAttribute carol).Attributes.Count | Should -Be 0
    }

    It 'stops at the object that brings an unregistered name; the objects before it are accounted for, not lost' {
        $stopped = $null
        try { [pscustomobject]@{ UserId = 'dave'; city = 'Paris' }, [pscustomobject]@{ UserId = 'erin'; colour = 'blue' } | Set-ImUserAttribute }
        catch { $stopped = $_ }
        $stopped.FullyQualifiedErrorId | Should -BeLike 'AttributeNameNotRegistered,*'
        $stopped.Exception.Message | Should -BeLike "*'colour'*not registered*"
        $stopped.Exception.Failed | Should -Be @('erin')
        $stopped.Exception.NotSent | Should -Be @('dave')
        (Get-ImUserAttribute dave).Attributes.Count | Should -Be 0
    }
}
