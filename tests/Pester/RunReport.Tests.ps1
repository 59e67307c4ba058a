#Requires -Version 7.2
# What the admin sees during and after a run (issue 24), asked of PowerShell itself against the emulator or the stub:
# the progress texts of a pipeline and of an array, the summary Get-ImLastRun keeps after a stop (Select-Object
# -First, -ErrorAction Stop, Ctrl+C), and the -Debug wire trace, free of secrets, which never asks.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:modulePath = Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1'
    Import-Module $modulePath -Force
    Add-Type -Path (Join-Path $root 'out/TencentImAttr.Testing/TencentImAttr.Testing.dll')
    Import-Module (Join-Path $root 'tools/TencentImAttr.Dev.psm1') -Force
    $script:emulator = Start-TestEmulator
    $connection = Connect-TestEmulator -Emulator $emulator -Parameters @{ PassThru = $true; NoDefault = $true }
    Set-ImAppAttributeName -Name city, tier -Force -Connection $connection

    # A runspace of this process with the module imported and connected to the emulator.
    function New-ConnectedRunspace {
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $null = Invoke-InRunspace $runspace "Import-Module '$modulePath'" @{ emulator = $emulator }
        $null = Invoke-InRunspace $runspace 'Connect-ImApp -SdkAppId $emulator.SdkAppId -Identifier $emulator.Identifier -SecretKey $emulator.SecretKey -BaseUri $emulator.BaseUri'
        $runspace
    }

    function Invoke-InRunspace($Runspace, [string] $Script, [hashtable] $Variables = @{}) {
        $ps = [powershell]::Create()
        $ps.Runspace = $Runspace
        foreach ($name in $Variables.Keys) { $null = $ps.AddCommand('Set-Variable').AddParameter('Name', $name).AddParameter('Value', $Variables[$name]).AddStatement() }
        $null = $ps.AddScript($Script)
        try { $output = $ps.Invoke() } catch { $output = $_ }
        [pscustomobject]@{ Output = @($output); Streams = $ps.Streams; HadErrors = $ps.HadErrors }
        $ps.Dispose()
    }
}

AfterAll {
    [TencentImAttr.Testing.ModuleTestSeam]::Reset()
    if ($script:emulator) { Stop-TestEmulator $emulator }
}

Describe 'Progress that says what it knows' {
    BeforeAll {
        $script:rs = New-ConnectedRunspace
        # 3 calls a second: 6 calls of 100 users last two seconds, past the second of silence progress keeps.
        $null = Invoke-InRunspace $rs 'Connect-ImApp -SdkAppId $emulator.SdkAppId -Identifier $emulator.Identifier -SecretKey $emulator.SecretKey -BaseUri $emulator.BaseUri -CallsPerSecond 3'
    }
    AfterAll { $rs.Dispose() }

    It 'in a pipeline: users read and done, and the rate; no total, no percentage, no time left' {
        $run = Invoke-InRunspace $rs @'
$ProgressPreference = 'Continue'
1..600 | ForEach-Object { "pipe$_" } | Get-ImUserAttribute -ThrottleLimit 1 | Out-Null
'@
        $running = @($run.Streams.Progress | Where-Object { $_.Activity -eq 'Get-ImUserAttribute' -and $_.RecordType -eq 'Processing' })
        $running.Count | Should -BeGreaterThan 0
        $running | ForEach-Object {
            $_.StatusDescription | Should -Match '^[\d,]+ read, [\d,]+ done, [\d,]+/s, 0 error\(s\)$'
            $_.PercentComplete | Should -Be -1
            $_.SecondsRemaining | Should -Be -1
        }
    }

    It 'for an array: done of the total, with the percentage and the time left' {
        $run = Invoke-InRunspace $rs @'
$ProgressPreference = 'Continue'
Get-ImUserAttribute -InputObject @(1..600 | ForEach-Object { "array$_" }) -ThrottleLimit 1 | Out-Null
'@
        $running = @($run.Streams.Progress | Where-Object { $_.Activity -eq 'Get-ImUserAttribute' -and $_.RecordType -eq 'Processing' })
        $running.Count | Should -BeGreaterThan 0
        $running | ForEach-Object {
            $_.StatusDescription | Should -Match '^[\d,]+ of 600 users done, [\d,]+/s, 0 error\(s\)$'
            $_.PercentComplete | Should -BeIn (0..100)
        }
        @($running | Where-Object SecondsRemaining -GT 0).Count | Should -BeGreaterThan 0
    }
}

Describe 'Get-ImLastRun' {
    BeforeAll { $script:rs = New-ConnectedRunspace }
    AfterAll { $rs.Dispose() }

    It 'writes nothing before any bulk command ran in the runspace' {
        $fresh = [runspacefactory]::CreateRunspace()
        $fresh.Open()
        try {
            (Invoke-InRunspace $fresh "Import-Module '$modulePath'; @(Get-ImLastRun).Count").Output | Should -Be 0
        }
        finally { $fresh.Dispose() }
    }

    It 'gives the summary of a run to its end, as written on the Information stream' {
        $run = Invoke-InRunspace $rs @'
Set-ImUserAttribute -UserId last1, last2 -Attribute @{ city = 'Lyon' } -InformationVariable info
$last = Get-ImLastRun
[pscustomobject]@{ Same = [object]::ReferenceEquals($last, $info[-1].MessageData); Last = $last }
'@
        $run.Output[0].Same | Should -BeTrue
        $run.Output[0].Last.Operation | Should -Be 'Set-ImUserAttribute'
        $run.Output[0].Last.Done | Should -Be 2
        $run.Output[0].Last.Stopped | Should -BeFalse
        $run.Output[0].Last.StopError | Should -BeNullOrEmpty
    }

    It 'after Select-Object -First: stopped, every user read accounted for (the calls in flight done, the rest not sent)' {
        $run = Invoke-InRunspace $rs @'
$null = Get-ImUserAttribute -UserId (1..250 | ForEach-Object { "first$_" }) | Select-Object -First 3
Get-ImLastRun
'@
        $last = $run.Output[-1]
        $last.Operation | Should -Be 'Get-ImUserAttribute'
        $last.Stopped | Should -BeTrue
        $last.StopError | Should -BeNullOrEmpty
        $last.Users | Should -BeGreaterOrEqual 3
        $last.Done | Should -BeGreaterOrEqual 3
        ($last.Done + $last.Failed + $last.OutcomeUnknown + $last.StoppedBeforeSending + $last.NotSent) | Should -Be $last.Users
        "$last" | Should -Match 'not sent \(the command stopped first\)'
    }

    It 'after Select-Object -First on piped reads: the users read past the first are accounted for' {
        $run = Invoke-InRunspace $rs @'
$null = 'pa', 'pb', 'pc', 'pd' | Get-ImUserAttribute | Select-Object -First 1
Get-ImLastRun
'@
        $last = $run.Output[-1]
        $last.Stopped | Should -BeTrue
        $last.Users | Should -Be 4
        # The four went in one call, which finished: all four were read, one of them written out.
        $last.Done | Should -Be 4
        ($last.Failed + $last.OutcomeUnknown + $last.StoppedBeforeSending + $last.NotSent) | Should -Be 0
    }

    It 'after Select-Object -First on a -PassThru write: the summary adds up to the users read, and its Done is what the service holds' {
        $run = Invoke-InRunspace $rs @'
$null = 0..499 | ForEach-Object { "sf$_" } | Set-ImUserAttribute -Attribute @{ city = 'SelFirst' } -PassThru | Select-Object -First 2
$last = Get-ImLastRun
$written = @(Get-ImUserAttribute -UserId (0..499 | ForEach-Object { "sf$_" }) | Where-Object { $_.Attributes.city -eq 'SelFirst' }).Count
[pscustomobject]@{ Last = $last; Written = $written }
'@
        $last = $run.Output[-1].Last
        $last.Operation | Should -Be 'Set-ImUserAttribute'
        $last.Stopped | Should -BeTrue
        $last.StopError | Should -BeNullOrEmpty
        $last.Users | Should -BeGreaterOrEqual 2
        ($last.Done + $last.Failed + $last.OutcomeUnknown + $last.StoppedBeforeSending + $last.NotSent) | Should -Be $last.Users
        $last.Failed | Should -Be 0
        $last.OutcomeUnknown | Should -Be 0
        $last.Done | Should -Be $run.Output[-1].Written
        $last.Done | Should -BeGreaterOrEqual 2
    }

    It 'after -ErrorAction Stop: stopped, with the stop error and its user lists' {
        $run = Invoke-InRunspace $rs @'
try { Set-ImUserAttribute -UserId stopa, ('x' * 40), stopb -Attribute @{ city = 'Lyon' } -ErrorAction Stop } catch { }
Get-ImLastRun
'@
        $last = $run.Output[-1]
        $last.Stopped | Should -BeTrue
        $last.StopError | Should -BeOfType ([TencentImAttr.Core.Errors.ImRunStoppedException])
        $last.StopError.ErrorId | Should -Be 'UserIdTooLong'
        $last.StopError.Failed | Should -Be @('x' * 40)
    }

    It 'after Ctrl+C (StopProcessing), though PowerShell takes no write from the stopping command' {
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        # The app's names are answered aside (Set checks the input's names first), so the queue holds the writes alone.
        $stub.RegisteredNames = [string[]]@('city')
        $null = $stub.Enqueue([TencentImAttr.Testing.StubResponse]::Ok(), [TencentImAttr.Testing.StubResponse]::Stalled(), [TencentImAttr.Testing.StubResponse]::Stalled())
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        try {
            $null = Invoke-InRunspace $runspace @'
Import-Module $modulePath
[TencentImAttr.Testing.ModuleTestSeam]::Use($stub)
try { Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -UserSig 'stub-usersig' -BaseUri 'https://im.example.test/' -SkipCheck -MaxRetry 0 }
finally { [TencentImAttr.Testing.ModuleTestSeam]::Reset() }
'@ @{ stub = $stub; modulePath = $modulePath }
            $ps = [powershell]::Create()
            $ps.Runspace = $runspace
            $null = $ps.AddScript('1..250 | ForEach-Object { "ctrlc$_" } | Set-ImUserAttribute -Attribute @{ city = "x" } -ThrottleLimit 1 -InformationVariable info')
            $async = $ps.BeginInvoke()
            # The first call is answered; the second hangs: the command is in the middle of its run.
            while ($stub.Requests.Count -lt 2 -and -not $async.IsCompleted) { Start-Sleep -Milliseconds 20 }
            $stub.Requests.Count | Should -Be 2
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $ps.Dispose()
            $last = (Invoke-InRunspace $runspace 'Get-ImLastRun').Output[0]
            $last.Operation | Should -Be 'Set-ImUserAttribute'
            $last.Stopped | Should -BeTrue
            $last.Done | Should -Be 100
            $last.Users | Should -BeGreaterOrEqual 200
            # Every user read is accounted for: the cancelled call had gone out (unknown outcome), the rest were held.
            ($last.Done + $last.Failed + $last.OutcomeUnknown + $last.StoppedBeforeSending + $last.NotSent) | Should -Be $last.Users
            $last.OutcomeUnknown | Should -Be 100
            $last.StoppedBeforeSending | Should -Be ($last.Users - 200)
            $last.StopError | Should -BeOfType ([TencentImAttr.Core.Errors.ImRunStoppedException])
            $last.StopError.OutcomeUnknown | Should -Be @(101..200 | ForEach-Object { "ctrlc$_" })
            $last.StopError.NotSent | Should -Be @(201..$last.Users | ForEach-Object { "ctrlc$_" })
            $last.StopError.Message | Should -Match 'stopped \(Ctrl\+C\)'
        }
        finally { $runspace.Dispose() }
    }

    It 'after Undo-ImRun: its RunUndoSummary' {
        $journal = Join-Path ([System.IO.Path]::GetTempPath()) ("lastrun-undo-{0}.jsonl" -f [guid]::NewGuid())
        try {
            $run = Invoke-InRunspace $rs @'
Set-ImUserAttribute -UserId lastundo1, lastundo2 -Attribute @{ city = 'Undone' } -JournalPath $journal
(Get-ImLastRun).Operation
Undo-ImRun -Path $journal -Force -SettleSec 0
Get-ImLastRun
'@ @{ journal = $journal }
            $run.Output[0] | Should -Be 'Set-ImUserAttribute'
            $last = $run.Output[-1]
            $last | Should -BeOfType ([TencentImAttr.Models.RunUndoSummary])
            $last.Operation | Should -Be 'Undo-ImRun'
            $last.Restored | Should -Be 2
            $last.Stopped | Should -BeFalse
            $last.StopError | Should -BeNullOrEmpty
        }
        finally { Remove-Item $journal -ErrorAction SilentlyContinue }
    }

    It 'after an Undo-ImRun stopped by Ctrl+C: its RunUndoSummary, stopped' {
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        $stub.RegisteredNames = [string[]]@('city')
        # The journaled set's read and write are answered; the undo's read hangs.
        $null = $stub.Enqueue([TencentImAttr.Testing.StubResponse]::Json('{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","UserAttrs":[{"To_Account":"undoc1","Attrs":{}}]}'),
            [TencentImAttr.Testing.StubResponse]::Ok(), [TencentImAttr.Testing.StubResponse]::Stalled())
        $journal = Join-Path ([System.IO.Path]::GetTempPath()) ("lastrun-undostop-{0}.jsonl" -f [guid]::NewGuid())
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        try {
            $null = Invoke-InRunspace $runspace @'
Import-Module $modulePath
[TencentImAttr.Testing.ModuleTestSeam]::Use($stub)
try { Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -UserSig 'stub-usersig' -BaseUri 'https://im.example.test/' -SkipCheck -MaxRetry 0 }
finally { [TencentImAttr.Testing.ModuleTestSeam]::Reset() }
Set-ImUserAttribute -UserId undoc1 -Attribute @{ city = 'x' } -JournalPath $journal
'@ @{ stub = $stub; modulePath = $modulePath; journal = $journal }
            $stub.Requests.Count | Should -Be 2
            $ps = [powershell]::Create()
            $ps.Runspace = $runspace
            $null = $ps.AddScript('Undo-ImRun -Path $journal -Force -SettleSec 0')
            $async = $ps.BeginInvoke()
            while ($stub.Requests.Count -lt 3 -and -not $async.IsCompleted) { Start-Sleep -Milliseconds 20 }
            $stub.Requests.Count | Should -Be 3
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $ps.Dispose()
            $last = (Invoke-InRunspace $runspace 'Get-ImLastRun').Output[0]
            $last | Should -BeOfType ([TencentImAttr.Models.RunUndoSummary])
            $last.Stopped | Should -BeTrue
            $last.Restored | Should -Be 0
            $last.StopError | Should -BeNullOrEmpty
        }
        finally {
            $runspace.Dispose()
            Remove-Item $journal -ErrorAction SilentlyContinue
        }
    }

    It 'keeps one last run per runspace' {
        $other = New-ConnectedRunspace
        try {
            $null = Invoke-InRunspace $other 'Get-ImUserAttribute -UserId elsewhere1 | Out-Null'
            (Invoke-InRunspace $other 'Get-ImLastRun').Output[0].Operation | Should -Be 'Get-ImUserAttribute'
            $null = Invoke-InRunspace $rs 'Remove-ImUserAttribute -UserId here1 -Name city -Confirm:$false'
            (Invoke-InRunspace $rs 'Get-ImLastRun').Output[0].Operation | Should -Be 'Remove-ImUserAttribute'
            (Invoke-InRunspace $other 'Get-ImLastRun').Output[0].Operation | Should -Be 'Get-ImUserAttribute'
        }
        finally { $other.Dispose() }
    }
}

Describe 'The -Debug wire trace' {
    BeforeAll {
        $script:sig = New-TestUserSig -SdkAppId $emulator.SdkAppId -Identifier $emulator.Identifier -SecretKey $emulator.SecretKey
        $script:key = [System.Net.NetworkCredential]::new('', $emulator.SecretKey).Password
        # Runs a script file in a new pwsh, as `pwsh -File` with no input (stdin closed), as the issue's runbook did.
        function Invoke-PwshFile([string] $Script, [string[]] $Switches = @()) {
            $file = Join-Path ([System.IO.Path]::GetTempPath()) ("imdebug-{0}.ps1" -f [guid]::NewGuid())
            Set-Content -Path $file -Value "Import-Module '$modulePath'`n$Script"
            try {
                $startInfo = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
                $pwshDll = Join-Path $PSHOME 'pwsh.dll'
                if (Test-Path $pwshDll) { $startInfo.ArgumentList.Add($pwshDll) } else { $startInfo.FileName = Join-Path $PSHOME 'pwsh' }
                foreach ($arg in @('-NoProfile') + $Switches + @('-File', $file)) { $startInfo.ArgumentList.Add($arg) }
                # The UserSig goes through the environment, never on a command line.
                $startInfo.Environment['TEST_USERSIG'] = $sig
                $startInfo.Environment['TEST_BASEURI'] = $emulator.BaseUri
                $startInfo.Environment['TEST_SDKAPPID'] = "$($emulator.SdkAppId)"
                $startInfo.RedirectStandardOutput = $true
                $startInfo.RedirectStandardError = $true
                $startInfo.RedirectStandardInput = $true
                $process = [System.Diagnostics.Process]::Start($startInfo)
                try {
                    $process.StandardInput.Close()
                    $stdout = $process.StandardOutput.ReadToEndAsync()
                    $stderr = $process.StandardError.ReadToEndAsync()
                    $process.WaitForExit()
                    ($stdout.Result + $stderr.Result) -replace '\x1b\[[0-9;]*m', ''
                }
                finally { $process.Dispose() }
            }
            finally { Remove-Item $file -ErrorAction SilentlyContinue }
        }
        $script:connect = 'Connect-ImApp -SdkAppId $env:TEST_SDKAPPID -Identifier administrator -UserSig $env:TEST_USERSIG -BaseUri $env:TEST_BASEURI -SkipCheck'
    }

    It 'shows each request and answer, with the UserSig masked in the query string and no secret anywhere' {
        $text = Invoke-PwshFile @"
$connect
Set-ImUserAttribute -UserId debug1, debug2 -Attribute @{ city = 'Lyon' } -Debug
Get-ImUserAttribute -UserId debug1 -Debug | ForEach-Object { "city: `$(`$_.Attributes.city)" }
"ok: `$?"
"@
        $text | Should -Match 'DEBUG: POST /v4/all_member_push/im_set_attr\?usersig=\*\*\*&identifier=administrator&sdkappid=\d+&random=\d+&contenttype=json -> HTTP 200 OK in [\d,]+ ms; sent \d+ bytes, received \d+ bytes'
        $text | Should -Match 'DEBUG: request body: \{.*"debug1".*\}'
        $text | Should -Match 'DEBUG: answer body: \{.*"ActionStatus":"OK"'
        $text | Should -Match 'DEBUG: POST /v4/all_member_push/im_get_attr\?usersig=\*\*\*'
        # PowerShell sets a compiled cmdlet's verbose and warning preferences to Inquire under -Debug: the per-call
        # verbose lines asked "Continue with this operation?" and failed on the closed stdin. They are on the Debug stream now.
        $text | Should -Match 'DEBUG: im_set_attr: 2 user\(s\), attempt 1, [\d,]+ ms, OK'
        $text | Should -Not -Match 'Continue with this operation'
        $text | Should -Not -Match 'Object reference not set'
        $text | Should -Match 'city: Lyon'
        $text | Should -Match 'ok: True'
        $text | Should -Not -Match ([regex]::Escape($sig.Substring(0, 24)))
        $text | Should -Not -Match ([regex]::Escape($key))
    }

    It 'continues without asking under $DebugPreference = ''Inquire'' (Windows PowerShell 5.1''s -Debug) and $VerbosePreference = ''Inquire'', with no input and with -NonInteractive' {
        foreach ($switches in @(@(), @('-NonInteractive'))) {
            $text = Invoke-PwshFile @"
$connect
`$DebugPreference = 'Inquire'
`$VerbosePreference = 'Inquire'
Set-ImUserAttribute -UserId inquire1 -Attribute @{ city = 'Lyon' }
"ok: `$?"
"@ $switches
            $text | Should -Match 'POST /v4/all_member_push/im_set_attr\?usersig=\*\*\*'
            $text | Should -Match 'im_set_attr: 1 user\(s\), attempt 1, [\d,]+ ms, OK'
            $text | Should -Not -Match 'Continue with this operation'
            $text | Should -Not -Match 'Object reference not set|NonInteractive mode'
            $text | Should -Match 'ok: True'
            $text | Should -Not -Match ([regex]::Escape($sig.Substring(0, 24)))
        }
    }
}
