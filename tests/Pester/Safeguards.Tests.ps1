#Requires -Version 7.2
# Pester 5, issue 22 ("Nothing destroyed by accident"), through the real cmdlets against the emulator as a process:
# -Replace manages only the names the input carries, a typo'd or wrong-case header stops the command with one error
# before any write (also under -WhatIf), -Replace removals and Add-ImUserTag -Replace ask (-Force, -Confirm:$false,
# a non-interactive host refuses), a -Replace user that comes again after its batch is refused, the tag drift report
# equals the run, and padded ids are refused.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:modulePath = Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1'
    Import-Module $modulePath -Force
    Import-Module (Join-Path $root 'tools/TencentImAttr.Dev.psm1') -Force
    $script:app = Start-TestEmulator -SdkAppId 1400000000
    $script:c = Connect-TestEmulator -Emulator $app -Parameters @{ PassThru = $true; NoDefault = $true }
    $script:push = Connect-TestEmulator -Emulator $app -Parameters @{ PassThru = $true; NoDefault = $true; Service = 'Push' }
    Set-ImAppAttributeName -Name city, tier, level -Force -Connection $c

    function Reset-Users([string[]] $Users = @('u1', 'u2')) {
        Remove-ImUserAttribute -UserId $Users -Name city, tier, level -Force -Connection $c
        Set-ImUserAttribute -UserId u1 -Attribute @{ city = 'Rome'; tier = 'gold'; level = '3' } -Connection $c
        Set-ImUserAttribute -UserId u2 -Attribute @{ city = 'Oslo'; tier = 'silver' } -Connection $c
    }
    # user -> "name=value;..." sorted by name.
    function Get-Store([string[]] $Users = @('u1', 'u2')) {
        $store = @{}
        foreach ($user in Get-ImUserAttribute -UserId $Users -Connection $c) {
            $store[$user.UserId] = ($user.Attributes.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ';'
        }
        $store
    }
    # Runs a command and returns its terminating error record (or $null), and every error it raised ($Error).
    function Invoke-Stopped([scriptblock] $Command) {
        $stopped = $null
        $global:Error.Clear()
        try { & $Command }
        catch { $stopped = $_ }
        [pscustomobject]@{ Stop = $stopped; Errors = @($global:Error | Select-Object -Unique) }
    }
    # A new pwsh -NonInteractive, connected to the emulator through TENCENTIM_*: all it printed, one string.
    function Invoke-NonInteractive([string] $Script) {
        ((Invoke-TestPwsh -Emulator $app -ModulePath $modulePath -Script $Script -Width 400).Lines |
            Where-Object { $_ -notmatch '^\w+-Im\w+( \(stopped early\))?: [\d,]+ users in, ' }) -join "`n"
    }
}

AfterAll {
    if ($script:app) { Stop-TestEmulator -Emulator $script:app }
}

Describe '-Replace manages what the input names' {
    BeforeEach { Reset-Users }

    It 'a file whose tier and level columns were dropped removes nothing, and a $null property is left alone' {
        'UserId,city', 'u1,Paris', 'u2,Bergen' | ConvertFrom-Csv | Set-ImUserAttribute -Replace -Connection $c -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        $store = Get-Store
        $store.u1 | Should -Be 'city=Paris;level=3;tier=gold'
        $store.u2 | Should -Be 'city=Bergen;tier=silver'
        # Select-Object makes a $null tier for a column the input lacks: still "not given".
        [pscustomobject]@{ UserId = 'u1'; city = 'Lima' } | Select-Object UserId, city, tier | Set-ImUserAttribute -Replace -Connection $c
        (Get-Store).u1 | Should -Be 'city=Lima;level=3;tier=gold'
    }

    It 'an empty cell removes that attribute only, after the question that -Force answers' {
        # Import-Csv reads an empty last cell as ''; (ConvertFrom-Csv makes it $null: not given).
        Set-Content (Join-Path $TestDrive 'empty.csv') -Value 'UserId,city,tier', 'u1,Paris,', 'u2,,silver'
        Import-Csv (Join-Path $TestDrive 'empty.csv') | Set-ImUserAttribute -Replace -Force -Connection $c
        $store = Get-Store
        $store.u1 | Should -Be 'city=Paris;level=3'
        $store.u2 | Should -Be 'tier=silver'
    }

    It '-Attribute @{} -Replace removes nothing and is AttributeSetEmpty per user; with -RemoveUnlisted it empties the users' {
        Set-ImUserAttribute -UserId u1, u2 -Attribute @{} -Replace -Force -Connection $c -ErrorVariable empty -ErrorAction SilentlyContinue
        $empty | Should -HaveCount 2
        $empty.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'AttributeSetEmpty,*' }
        "$($empty[0])" | Should -Match '-RemoveUnlisted'
        (Get-Store).u1 | Should -Be 'city=Rome;level=3;tier=gold'

        Set-ImUserAttribute -UserId u1, u2 -Attribute @{} -Replace -RemoveUnlisted -Force -Connection $c
        $store = Get-Store
        $store.u1 | Should -Be ''
        $store.u2 | Should -Be ''
    }

    It 'Get | Set -Replace never removes extras of the target; -RemoveUnlisted makes an exact copy' {
        $source = Get-ImUserAttribute u2 -Connection $c
        Set-ImUserAttribute -UserId u2 -Attribute @{ level = '9' } -Connection $c
        $source | Set-ImUserAttribute -Replace -Connection $c
        (Get-Store).u2 | Should -Be 'city=Oslo;level=9;tier=silver'
        $source | Set-ImUserAttribute -Replace -RemoveUnlisted -Force -Connection $c
        (Get-Store).u2 | Should -Be 'city=Oslo;tier=silver'
    }

    It '-Replace -Verify compares only the carried names' {
        'UserId,city', 'u1,Paris' | ConvertFrom-Csv | Set-ImUserAttribute -Replace -Verify -Connection $c -InformationVariable run -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        $run.MessageData.Verified | Should -Be 1
        $run.MessageData.Mismatched | Should -Be 0
    }

    It '-RemoveUnlisted without -Replace is an error' {
        { Set-ImUserAttribute -UserId u1 -Attribute @{ city = 'x' } -RemoveUnlisted -Connection $c } | Should -Throw -ErrorId 'RemoveUnlistedWithoutReplace,*'
    }
}

Describe 'A name the app does not register stops the run before it is sent' {
    BeforeEach { Reset-Users }

    It 'a typo''d header under -Replace: one error naming Ctiy and city, nothing written, with and without -WhatIf' {
        $csv = 'UserId,Ctiy,tier', 'u1,Paris,gold', 'u2,,silver'
        foreach ($whatIf in $false, $true) {
            $run = Invoke-Stopped { $csv | ConvertFrom-Csv | Set-ImUserAttribute -Replace -Force -WhatIf:$whatIf -Connection $c }
            $run.Stop | Should -Not -BeNullOrEmpty
            $run.Stop.FullyQualifiedErrorId | Should -BeLike 'AttributeNameNotRegistered,*'
            $run.Errors | Should -HaveCount 1
            "$($run.Stop)" | Should -Match "'Ctiy'"
            "$($run.Stop)" | Should -Match "Did you mean 'city'\?"
            "$($run.Stop)" | Should -Match 'Select-Object -Property \* -ExcludeProperty'
            $run.Stop.Exception.Applied | Should -BeNullOrEmpty
            $store = Get-Store
            $store.u1 | Should -Be 'city=Rome;level=3;tier=gold'
            $store.u2 | Should -Be 'city=Oslo;tier=silver'
        }
    }

    It 'a wrong-case header (City for city) stops the same way, naming the case difference' {
        $run = Invoke-Stopped { 'UserId,City', 'u1,Paris' | ConvertFrom-Csv | Set-ImUserAttribute -Replace -Connection $c }
        $run.Stop.FullyQualifiedErrorId | Should -BeLike 'AttributeNameNotRegistered,*'
        "$($run.Stop)" | Should -Match "differs only in case from the registered 'city'"
        (Get-Store).u1 | Should -Be 'city=Rome;level=3;tier=gold'
    }

    It 'without -Replace a typo''d header over 300 rows is one error, not one per row, and nothing is written' {
        $rows = 1..300 | ForEach-Object { [pscustomobject]@{ UserId = "t$_"; Ctiy = 'Paris' } }
        $run = Invoke-Stopped { $rows | Set-ImUserAttribute -Connection $c -InformationVariable info }
        $run.Stop.FullyQualifiedErrorId | Should -BeLike 'AttributeNameNotRegistered,*'
        $run.Errors | Should -HaveCount 1
        Get-ImUserAttribute t1, t300 -Connection $c | ForEach-Object { $_.Attributes.Count } | Should -Be @(0, 0)
    }

    It 'a streamed object that brings a new name later stops the run at that item; the error accounts for what was sent' {
        $rows = @(1..150 | ForEach-Object { [pscustomobject]@{ UserId = "s$_"; city = 'Tokyo' } }) + @([pscustomobject]@{ UserId = 's151'; Ctiy = 'Paris' })
        $run = Invoke-Stopped { $rows | Set-ImUserAttribute -Connection $c }
        $run.Stop.FullyQualifiedErrorId | Should -BeLike 'AttributeNameNotRegistered,*'
        $e = $run.Stop.Exception
        $e | Should -BeOfType ([TencentImAttr.Core.Errors.ImRunStoppedException])
        $e.Failed | Should -Be @('s151')
        # The first 100 were dispatched as a call before s151 came: done, applied, or stopped before it went out.
        ($e.DoneBeforeStop + $e.Applied.Count + $e.NotSent.Count + $e.OutcomeUnknown.Count) | Should -Be 150
        @($e.NotSent | Where-Object { [int]$_.Substring(1) -le 100 }).Count + $e.DoneBeforeStop + $e.Applied.Count | Should -Be 100
        @($e.NotSent | Where-Object { [int]$_.Substring(1) -gt 100 }).Count | Should -Be 50
        # What the error says was applied was applied, and what it says was not sent holds nothing.
        if ($e.Applied.Count) { (Get-ImUserAttribute -UserId $e.Applied -Connection $c).Attributes.city | Select-Object -Unique | Should -Be 'Tokyo' }
        Get-ImUserAttribute -UserId $e.NotSent -Connection $c | ForEach-Object { $_.Attributes.Count } | Select-Object -Unique | Should -Be 0
    }

    It 'Remove-ImUserAttribute refuses an unregistered name the same way, also under -WhatIf' {
        foreach ($whatIf in $false, $true) {
            $run = Invoke-Stopped { Remove-ImUserAttribute -UserId u1 -Name tier, Tier -Force -WhatIf:$whatIf -Connection $c }
            $run.Stop.FullyQualifiedErrorId | Should -BeLike 'AttributeNameNotRegistered,*'
        }
        (Get-Store).u1 | Should -Be 'city=Rome;level=3;tier=gold'
    }
}

Describe 'Removals ask, even at the default $ConfirmPreference' {
    BeforeAll {
        $script:seed = "Set-ImAppAttributeName -Name city, tier, level -Force`nSet-ImUserAttribute -UserId ask1 -Attribute @{ city = 'Rome'; tier = 'gold' }`n"
        $script:show = "`n(Get-ImUserAttribute ask1).Attributes.GetEnumerator() | Sort-Object Key | ForEach-Object { 'held ' + `$_.Key }"
    }

    It 'a non-interactive host without -Force removes nothing and says so in one error' {
        $out = Invoke-NonInteractive ($seed + @'
try { 'UserId,tier,city', 'ask1,,Paris' | ConvertFrom-Csv | Set-ImUserAttribute -Replace -ErrorAction Stop; 'no question' }
catch { 'stopped ' + $_.FullyQualifiedErrorId; "$_" }
'@ + $show)
        $out | Should -Match 'stopped RemovalNotConfirmed'
        $out | Should -Match 'cannot ask for confirmation'
        $out | Should -Match '-Force or -Confirm:\$false'
        $out | Should -Match 'held tier'
        $out | Should -Not -Match 'no question'
    }

    It 'a host whose standard input has ended (pwsh -File </dev/null, cron) refuses with a clear error, not a NullReferenceException' {
        $out = (Invoke-TestPwsh -Emulator $app -ModulePath $modulePath -Width 400 -Interactive -Script ($seed + @'
try { 'UserId,tier,city', 'ask1,,Paris' | ConvertFrom-Csv | Set-ImUserAttribute -Replace -ErrorAction Stop; 'no question' }
catch { 'stopped ' + $_.FullyQualifiedErrorId; "$_" }
try { Remove-ImUserAttribute -UserId ask1 -Name city -ErrorAction Stop; 'no question' }
catch { 'refused ' + $_.Exception.GetType().Name; "$_" }
'@ + $show)).Lines -join "`n"
        $out | Should -Match 'stopped RemovalNotConfirmed'
        $out | Should -Match 'may have been written already'
        $out | Should -Match 'refused PSInvalidOperationException'
        $out | Should -Match 'a standard input that is redirected and has ended'
        $out | Should -Not -Match 'Object reference not set'
        $out | Should -Not -Match 'no question'
        $out | Should -Match 'held tier'
    }

    It '-Force and -Confirm:$false remove without asking; a set alone does not ask' {
        $out = Invoke-NonInteractive ($seed + @'
'UserId,city', 'ask1,Paris' | ConvertFrom-Csv | Set-ImUserAttribute -Replace
[pscustomobject]@{ UserId = 'ask1'; tier = '' } | Set-ImUserAttribute -Replace -Force
Set-ImUserAttribute -UserId ask1 -Attribute @{ level = '1' }
Set-ImUserAttribute -UserId ask1 -Attribute @{ level = '' } -Replace -Confirm:$false
'@ + $show)
        $out | Should -Match 'held city'
        $out | Should -Not -Match 'held tier'
        $out | Should -Not -Match 'held level'
        $out | Should -Not -Match 'RemovalNotConfirmed'
    }

    It '-WhatIf shows every removal and removes nothing' {
        $out = Invoke-NonInteractive ($seed + @'
[pscustomobject]@{ UserId = 'ask1'; city = ''; tier = '' } | Set-ImUserAttribute -Replace -WhatIf | Out-Null
'@ + $show)
        $out | Should -Match 'What if: Performing the operation "Replace attributes: remove (city, tier|tier, city)" on target "1 user: ask1"'
        $out | Should -Match 'held city'
        $out | Should -Match 'held tier'
    }

    It 'pwsh -NonInteractive: a command that asks (Remove-ImUserAttribute, Undo-ImRun) says what to give, not PowerShell''s bare refusal' {
        $out = Invoke-NonInteractive ($seed + @'
Set-ImUserAttribute -UserId ask2 -Attribute @{ city = 'Oslo' } -JournalPath (Join-Path ([IO.Path]::GetTempPath()) "ask2-$PID.jsonl")
try { Remove-ImUserAttribute -UserId ask2 -Name city -ErrorAction Stop } catch { 'remove: ' + $_.Exception.Message }
try { Undo-ImRun -Path (Join-Path ([IO.Path]::GetTempPath()) "ask2-$PID.jsonl") -ErrorAction Stop } catch { 'undo: ' + $_.Exception.Message }
Remove-Item (Join-Path ([IO.Path]::GetTempPath()) "ask2-$PID.jsonl")
'ask2 ' + (Get-ImUserAttribute ask2).Attributes.city
'@)
        $out | Should -Match 'remove: Remove-ImUserAttribute would Remove attributes .*cannot ask for confirmation \(it is non-interactive.*Give -Force or -Confirm:\$false'
        $out | Should -Match 'undo: Undo-ImRun would Undo the run .*cannot ask for confirmation'
        $out | Should -Not -Match 'Read and Prompt functionality is not available'
        $out | Should -Match 'ask2 Oslo'
    }

    It 'Add-ImUserTag -Replace asks before each call: refused non-interactive, done with -Force' {
        $out = Invoke-NonInteractive @'
Connect-ImApp -SdkAppId $env:TENCENTIM_SDKAPPID -Identifier $env:TENCENTIM_IDENTIFIER -SecretKey (ConvertTo-SecureString $env:TENCENTIM_SECRETKEY -AsPlainText -Force) -BaseUri $env:TENCENTIM_BASEURI -Service Push
Add-ImUserTag -UserId tagask -Tag a, b, c
try { Add-ImUserTag -UserId tagask -Tag gold -Replace -ErrorAction Stop; 'no question' } catch { 'stopped ' + $_.FullyQualifiedErrorId }
'tags ' + ((Get-ImUserTag tagask).Tags -join ',')
Add-ImUserTag -UserId tagask -Tag gold -Replace -Force
'tags ' + ((Get-ImUserTag tagask).Tags -join ',')
'@
        $out | Should -Match 'stopped RemovalNotConfirmed'
        $out | Should -Match 'tags a,b,c'
        $out | Should -Match 'tags gold'
        $out | Should -Not -Match 'no question'
    }
}

Describe 'Reports that match the run' {
    It 'a -Replace user already synced in an earlier sync batch is refused naming the user, in the report and in the run' {
        Reset-Users
        $rows = @([pscustomobject]@{ UserId = 'u1'; city = 'Paris' }) +
            @(1..10000 | ForEach-Object { [pscustomobject]@{ UserId = "b$_"; level = '' } }) +
            @([pscustomobject]@{ UserId = 'u1'; tier = '' })
        $report = $rows | Set-ImUserAttribute -Replace -WhatIf -Connection $c -ErrorVariable reportErrors -ErrorAction SilentlyContinue
        $done = $rows | Set-ImUserAttribute -Replace -Force -PassThru -Connection $c -ErrorVariable runErrors -ErrorAction SilentlyContinue
        foreach ($errors in $reportErrors, $runErrors) {
            $errors | Should -HaveCount 1
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'ReplaceUserRepeated,*'
            $errors[0].TargetObject | Should -Be 'u1'
        }
        ($report | Where-Object UserId -EQ u1).Changed.Keys | Should -Be @('city')
        ($done | Where-Object UserId -EQ u1).Changed.Keys | Should -Be @('city')
        (Get-Store).u1 | Should -Be 'city=Paris;level=3;tier=gold'
    }

    It 'the tag report equals the run for a user whose rows fall into two calls' {
        Add-ImUserTag -UserId tx -Tag old -Connection $push
        $rows = @([pscustomobject]@{ UserId = 'tx'; Tag = 'vip' }) +
            @(1..100 | ForEach-Object { [pscustomobject]@{ UserId = "to$_"; Tag = 't' } }) +
            @([pscustomobject]@{ UserId = 'tx'; Tag = 'beta' })
        $report = $rows | Add-ImUserTag -Replace -WhatIf -Connection $push -ErrorVariable reportErrors -ErrorAction SilentlyContinue
        $rows | Add-ImUserTag -Replace -Force -Connection $push -ErrorVariable runErrors -ErrorAction SilentlyContinue
        $tx = @($report | Where-Object UserId -EQ tx)
        $tx | Should -HaveCount 1
        $tx[0].Added | Should -Be @('vip')
        $tx[0].Removed | Should -Be @('old')
        (Get-ImUserTag tx -Connection $push).Tags | Should -Be @('vip')
        foreach ($errors in $reportErrors, $runErrors) {
            $errors | Should -HaveCount 1
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'ReplaceUserRepeated,*'
            $errors[0].TargetObject | Should -Be 'tx'
        }
    }
}

Describe 'Padded ids' {
    It '<_> refuses an id with a blank at either end, naming it' -ForEach @(
        { Get-ImUserAttribute -UserId ' u1' -Connection $c }
        { Set-ImUserAttribute -UserId 'u1 ' -Attribute @{ city = 'x' } -Connection $c }
        { Remove-ImUserAttribute -UserId ' u1' -Name city -Force -Connection $c }
        { Add-ImUserTag -UserId ' u1' -Tag a -Connection $push }
        { Get-ImUserTag -UserId 'u1 ' -Connection $push }
    ) {
        # The refusal is a non-terminating error: under the caller's $ErrorActionPreference = 'Stop' (build.ps1 sets it,
        # and Pester runs the tests in its caller's session state) the command rightly stops instead.
        $ErrorActionPreference = 'Continue'
        $padded = @(& $_ 2>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $padded | Should -HaveCount 1
        $padded[0].FullyQualifiedErrorId | Should -BeLike 'UserIdPadded,*'
        "$($padded[0])" | Should -Match "'u1'"
    }
}
