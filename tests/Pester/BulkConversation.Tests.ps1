#Requires -Version 7.2
# A bulk run's conversation with the person, asked of PowerShell itself: one ShouldProcess per call (not per user),
# the summary on the Information stream (also after a stop), progress with a percentage when the total is known, and
# a call's verbose lines before its results. Calls go to the emulator: in a child pwsh process (what -WhatIf prints
# on the host), in another runspace of this process (the streams), or here.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:modulePath = Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1'
    Import-Module $modulePath -Force
    Import-Module (Join-Path $root 'tools/TencentImAttr.Dev.psm1') -Force
    $script:emulator = Start-TestEmulator
    $script:connection = Connect-TestEmulator -Emulator $emulator -Parameters @{ PassThru = $true; NoDefault = $true }
    Set-ImAppAttributeName -Name city, tier -Force -Connection $connection

    # Runs a script in a new pwsh process, -NonInteractive, connected to the emulator; returns everything it printed.
    function Invoke-ChildPwsh([string] $Script) { (Invoke-TestPwsh -Emulator $emulator -ModulePath $modulePath -Script $Script).Lines }

    # Runs a script in a new runspace of this process, connected to the emulator; returns its output and streams.
    function Invoke-InRunspace([string] $Script) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$modulePath'").AddStatement()
        $null = $ps.AddCommand('Set-Variable').AddParameter('Name', 'emulator').AddParameter('Value', $emulator).AddStatement()
        $null = $ps.AddScript('Connect-ImApp -SdkAppId $emulator.SdkAppId -Identifier $emulator.Identifier -SecretKey $emulator.SecretKey -BaseUri $emulator.BaseUri').AddStatement()
        $null = $ps.AddScript($Script)
        $output = $ps.Invoke()
        $result = [pscustomobject]@{ Output = @($output); Streams = $ps.Streams; HadErrors = $ps.HadErrors }
        $ps.Dispose()
        $result
    }

    function Get-Summary($Records) {
        @($Records | Where-Object { $_.Tags -contains 'Summary' -and $_.Tags -contains 'TencentImAttr' })
    }
}

AfterAll {
    if ($emulator) { Stop-TestEmulator $emulator }
}

Describe 'ShouldProcess, once per call' {
    It 'a 10,000-user -WhatIf prints one line per call of 100 users, and sends nothing (the tag cmdlets too)' {
        $lines = Invoke-ChildPwsh @'
Set-ImUserAttribute -UserId (1..10000 | ForEach-Object { "whatif$_" }) -Attribute ([ordered]@{ city = 'Shenzhen'; tier = 'gold' }) -WhatIf
1..150 | ForEach-Object { "whatifpipe$_" } | Remove-ImUserAttribute -Name city -WhatIf
Add-ImUserTag -UserId (1..150 | ForEach-Object { "whatiftag$_" }) -Tag vip, gold -WhatIf
Get-ImUserAttribute -UserId whatif1, whatif10000 | ForEach-Object { "attributes: $($_.Attributes.Count)" }
'@
        $whatIf = @($lines | Where-Object { $_ -like 'What if:*' })
        $whatIf.Count | Should -Be 104
        $whatIf[0] | Should -Be 'What if: Performing the operation "Set attributes city, tier" on target "100 users: whatif1, whatif2, whatif3 and 97 more".'
        $whatIf[99] | Should -BeLike '*"100 users: whatif9901, whatif9902, whatif9903 and 97 more".'
        $whatIf[100] | Should -Be 'What if: Performing the operation "Remove attributes city" on target "100 users: whatifpipe1, whatifpipe2, whatifpipe3 and 97 more".'
        $whatIf[101] | Should -BeLike '*"50 users: whatifpipe101, *'
        $whatIf[102] | Should -Be 'What if: Performing the operation "Add tags vip, gold" on target "100 users: whatiftag1, whatiftag2, whatiftag3 and 97 more".'
        @($lines | Where-Object { $_ -like 'attributes: *' }) | Should -Be @('attributes: 0', 'attributes: 0')
    }

    It 'keeps the line short with long ids and many attribute names' {
        # 32 bytes is the longest UserID; a Push RegistrationID and a 50-byte attribute name are longer still.
        $lines = Invoke-ChildPwsh @'
$attrs = [ordered]@{}
foreach ($i in 1..7) { $attrs["an-attribute-name-of-forty-bytes-or-so-$i"] = 'x' }
# The names must be registered (an unregistered one stops the command first); city and tier keep their slots.
Set-ImAppAttributeName -Name (@('city', 'tier') + @($attrs.Keys)) -Force
Set-ImUserAttribute -UserId (1..100 | ForEach-Object { 'a-long-user-id-of-32-bytes-{0:d5}' -f $_ }) -Attribute $attrs -WhatIf
'@
        $whatIf = @($lines | Where-Object { $_ -like 'What if:*' })
        $whatIf.Count | Should -Be 1
        $whatIf[0] | Should -BeLike '*"Set attributes an-attribute-name-of-..., an-attribute-name-of-..., * and 2 more"*'
        $whatIf[0] | Should -BeLike '*"100 users: a-long-user-id-of-32-..., a-long-user-id-of-32-..., a-long-user-id-of-32-... and 97 more".'
        $whatIf[0].Length | Should -BeLessThan 320 # 100 ids and 7 names in full would be over 3,500
    }

    It 'with -Verbose writes one ShouldProcess line and one call line per call, none per user' {
        $run = Invoke-InRunspace @'
Set-ImUserAttribute -UserId (1..250 | ForEach-Object { "verbose$_" }) -Attribute @{ city = 'x' } -Verbose
'@
        $run.HadErrors | Should -BeFalse
        $verbose = @($run.Streams.Verbose.Message)
        @($verbose | Where-Object { $_ -like 'Performing the operation "Set attributes city" on target "* users: *' }).Count | Should -Be 3
        @($verbose | Where-Object { $_ -like 'im_set_attr: * user(s), attempt 1, *' }).Count | Should -Be 3
        # And the one read of the app's names that checks the input's names before anything is sent (issue 22).
        @($verbose | Where-Object { $_ -like 'im_get_attr_name, attempt 1, *' }).Count | Should -Be 1
        $verbose.Count | Should -Be 7
    }
}

Describe 'The summary on the Information stream' {
    It 'counts users in, done and failed by error id, tagged TencentImAttr and Summary' {
        Set-ImUserAttribute -UserId sum1, sum2, '', ('x' * 40), sum3 -Attribute @{ city = 'x' } -Connection $connection `
            -InformationVariable info -ErrorAction SilentlyContinue -ErrorVariable errs
        $errs.Count | Should -Be 2
        $summary = @(Get-Summary $info)
        $summary.Count | Should -Be 1
        $summary[0].Source | Should -Be 'Set-ImUserAttribute'
        $data = $summary[0].MessageData
        $data | Should -BeOfType ([TencentImAttr.Models.BulkRunSummary])
        $data.Operation | Should -Be 'Set-ImUserAttribute'
        $data.Users | Should -Be 5
        $data.Done | Should -Be 3
        $data.Failed | Should -Be 2
        $data.FailedByErrorId['UserIdEmpty'] | Should -Be 1
        $data.FailedByErrorId['UserIdTooLong'] | Should -Be 1
        $data.NotSent | Should -Be 0
        $data.Retries | Should -Be 0
        $data.PaceAdjustments | Should -Be 0
        $data.Stopped | Should -BeFalse
        "$data" | Should -BeLike 'Set-ImUserAttribute: 5 users in, 3 done, 2 failed (UserIdEmpty 1, UserIdTooLong 1), 0 retries, 0 pace adjustments, * s, * users/s'
    }

    It 'is captured by 6>&1, and 6>$null drops it' {
        $records = Get-ImUserAttribute -UserId sum1, sum2 -Connection $connection 6>&1 | Where-Object { $_ -is [System.Management.Automation.InformationRecord] }
        (Get-Summary $records).MessageData.Done | Should -Be 2

        $lines = Invoke-ChildPwsh @'
Get-ImUserAttribute -UserId a, b -InformationAction Continue | Out-Null
Get-ImUserAttribute -UserId a, b 6>$null | Out-Null
'@
        @($lines | Where-Object { $_ -like 'Get-ImUserAttribute: 2 users in, 2 done, 0 failed*' }).Count | Should -Be 1
    }

    It 'counts the users a -WhatIf did not send' {
        Set-ImUserAttribute -UserId (1..250 | ForEach-Object { "ns$_" }) -Attribute @{ city = 'x' } -Connection $connection -WhatIf -InformationVariable info 6>$null
        $data = (Get-Summary $info).MessageData
        $data.Users | Should -Be 250
        $data.NotSent | Should -Be 250
        $data.Done | Should -Be 0
    }

    It 'is written when -ErrorAction Stop ends the command, with what was done until then' {
        $ids = @(1..150 | ForEach-Object { "stop$_" }) + '' + @(1..100 | ForEach-Object { "stopafter$_" })
        $caught = $null
        try { Set-ImUserAttribute -UserId $ids -Attribute @{ city = 'x' } -Connection $connection -InformationVariable info -ErrorAction Stop }
        catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'UserIdEmpty,*'
        $data = (Get-Summary $info).MessageData
        $data.Stopped | Should -BeTrue
        $data.Users | Should -Be 251
        # The summary counts what the stop error counts: the 150 done before it, and the users after it whose call
        # was already out and landed (issue 22: a stopped run's summary and its error agree).
        $stop = $caught.Exception
        $stop.DoneBeforeStop | Should -Be 150
        $data.Done | Should -Be (150 + $stop.Applied.Count)
        $data.StoppedBeforeSending | Should -Be $stop.NotSent.Count
        $data.FailedByErrorId['UserIdEmpty'] | Should -Be 1
        "$data" | Should -BeLike "Set-ImUserAttribute (stopped early): 251 users in, $($data.Done) done, 1 failed (UserIdEmpty 1), 0 outcome unknown, $($stop.NotSent.Count) not sent (the command stopped first)*"
    }

    It 'is written when a downstream Select-Object -First stops the command' {
        $first = Get-ImUserAttribute -UserId (1..250 | ForEach-Object { "first$_" }) -Connection $connection -InformationVariable info | Select-Object -First 3
        $first.UserId | Should -Be @('first1', 'first2', 'first3')
        $data = (Get-Summary $info).MessageData
        $data.Stopped | Should -BeTrue
        $data.Users | Should -Be 250
        # The calls in flight when the stop came were let finish: their users are done, the rest held counted as not sent.
        $data.Done | Should -BeGreaterOrEqual 3
        ($data.Done + $data.Failed + $data.OutcomeUnknown + $data.StoppedBeforeSending + $data.NotSent) | Should -Be 250
    }
}

Describe 'Progress and verbose lines' {
    It 'carries PercentComplete and SecondsRemaining when the total is known (-UserId, or an array given to -InputObject)' {
        $run = Invoke-InRunspace @'
$ProgressPreference = 'Continue'
Connect-ImApp -SdkAppId $emulator.SdkAppId -Identifier $emulator.Identifier -SecretKey $emulator.SecretKey -BaseUri $emulator.BaseUri -CallsPerSecond 3
Get-ImUserAttribute -UserId (1..600 | ForEach-Object { "progress$_" }) -ThrottleLimit 1 | Out-Null
Get-ImUserAttribute -InputObject @(1..600 | ForEach-Object { "progress$_" }) -ThrottleLimit 1 | Measure-Object | ForEach-Object Count
'@
        $run.HadErrors | Should -BeFalse
        $run.Output | Should -Be 600
        $running = @($run.Streams.Progress | Where-Object { $_.Activity -like 'Get-ImUserAttribute' -and $_.RecordType -eq 'Processing' })
        $running.Count | Should -BeGreaterThan 1
        $running | ForEach-Object { $_.PercentComplete | Should -BeIn (0..100) }
        @($running | Where-Object { $_.PercentComplete -gt 0 -and $_.PercentComplete -lt 100 -and $_.SecondsRemaining -gt 0 }).Count | Should -BeGreaterThan 0
        @($running | Where-Object StatusDescription -Like '* of 600 users done*').Count | Should -Be $running.Count
    }

    It 'keeps count and rate without a percentage in a pipeline' {
        $run = Invoke-InRunspace @'
$ProgressPreference = 'Continue'
Connect-ImApp -SdkAppId $emulator.SdkAppId -Identifier $emulator.Identifier -SecretKey $emulator.SecretKey -BaseUri $emulator.BaseUri -CallsPerSecond 3
1..600 | ForEach-Object { "progress$_" } | Get-ImUserAttribute -ThrottleLimit 1 | Out-Null
'@
        $running = @($run.Streams.Progress | Where-Object { $_.Activity -like 'Get-ImUserAttribute' -and $_.RecordType -eq 'Processing' })
        $running.Count | Should -BeGreaterThan 0
        $running | ForEach-Object { $_.PercentComplete | Should -Be -1 }
        $running[-1].StatusDescription | Should -Match '^[\d,]+ read, [\d,]+ done, [\d,]+/s, 0 error\(s\)$'
    }

    It 'writes a call''s verbose line before its results, so Select-Object -First 3 keeps it' {
        $run = Invoke-InRunspace @'
Get-ImUserAttribute -UserId (1..250 | ForEach-Object { "first$_" }) -Verbose | Select-Object -First 3 | ForEach-Object UserId
'@
        $run.Output | Should -Be @('first1', 'first2', 'first3')
        @($run.Streams.Verbose.Message | Where-Object { $_ -like 'im_get_attr: 100 user(s), attempt 1, *' }).Count | Should -BeGreaterOrEqual 1
    }
}
