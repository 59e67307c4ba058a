#Requires -Version 7.2
# Pester 5: issue 22's connection, restore, report and scrubbing cases, through the real cmdlets against emulators
# run as processes: a failed Connect-ImApp leaves nothing connected (and the environment fallback off), a 404 route
# stops a run with one error, restores are exact or refused, the reports equal the runs (stopped, -WhatIf, partly
# applied, parted tags, unknown outcomes, drift export), and names from the server are scrubbed and escaped.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:modulePath = Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1'
    Import-Module $modulePath -Force
    Import-Module (Join-Path $root 'tools/TencentImAttr.Dev.psm1') -Force

    $script:plain = Start-TestEmulator
    # Every remove call fails with 91000 (with -MaxRetry 0, at once): a -Replace whose set landed and whose remove did not.
    $script:noRemove = Start-TestEmulator -ArgumentList '--faults', 'InternalError', '--fail-rate', '1', '--fault-apis', 'im_remove_attr'
    # The first set call is cut after it went out (its outcome unknown); its retry succeeds.
    $script:drop = Start-TestEmulator -ArgumentList '--faults', 'DropConnection', '--fail-rate', '1', '--max-faults', '1', '--fault-apis', 'im_set_attr'
    # No attribute name registered: the sync's read of the names answers an empty AttrNames.
    $script:bare = Start-TestEmulator

    # A store whose registered names hold a terminal escape (OSC: set the window title) and the connection's own
    # secret key, and whose removes are lost (answered OK, never applied), so that -Verify reports them.
    $script:hostileKey = 'k-' + [guid]::NewGuid().ToString('N')
    $script:escName = "$([char]27)]0;pwned$([char]7)tier"
    $state = Join-Path $TestDrive 'hostile.json'
    @{
        AttrNames = @{ '0' = 'city'; '1' = $escName; '2' = $hostileKey }
        Users     = @{ h1 = @{ city = 'Rome'; $escName = 'gold'; $hostileKey = 'x' } }
    } | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $state -Encoding utf8
    $script:hostile = Start-TestEmulator -ArgumentList '--key', $hostileKey, '--state-file', $state, '--faults', 'LostWrite', '--fail-rate', '1', '--fault-apis', 'im_remove_attr'
    $hostile.SecretKey = ConvertTo-SecureString $hostileKey -AsPlainText -Force

    $script:c = Connect-TestEmulator -Emulator $plain -Parameters @{ PassThru = $true; NoDefault = $true }
    $script:push = Connect-TestEmulator -Emulator $plain -Parameters @{ PassThru = $true; NoDefault = $true; Service = 'Push' }
    $script:nr = Connect-TestEmulator -Emulator $noRemove -Parameters @{ PassThru = $true; NoDefault = $true }
    $script:dc = Connect-TestEmulator -Emulator $drop -Parameters @{ PassThru = $true; NoDefault = $true }
    $script:bc = Connect-TestEmulator -Emulator $bare -Parameters @{ PassThru = $true; NoDefault = $true }
    $script:hc = Connect-TestEmulator -Emulator $hostile -Parameters @{ PassThru = $true; NoDefault = $true }
    Set-ImAppAttributeName -Name city, City, since, when, code, eq, text, tier -Force -Connection $c
    Set-ImAppAttributeName -Name city, tier -Force -Connection $nr
    Set-ImAppAttributeName -Name city -Force -Connection $dc

    # After issue 22a, -Replace removes names a row does not carry only with -RemoveUnlisted; before it, always.
    $script:unlisted = if ((Get-Command Set-ImUserAttribute).Parameters.ContainsKey('RemoveUnlisted')) { @{ RemoveUnlisted = $true } } else { @{} }

    # A user's attributes as one text, "name=value" lines in ordinal order of the names: equal texts, equal stores.
    function Get-Exact([string] $User, $Connection = $script:c) {
        $attributes = (Get-ImUserAttribute $User -Connection $Connection).Attributes
        [string[]] $names = @($attributes.Keys)
        [Array]::Sort($names, [StringComparer]::Ordinal)
        ($names | ForEach-Object { "$_=$($attributes[$_])" }) -join "`n"
    }
    $script:every = 'city', 'City', 'since', 'when', 'code', 'eq', 'text', 'tier'
    function Set-RestoreUsers {
        Remove-ImUserAttribute -UserId r1, r2 -Name $every -Force -Connection $c
        Set-ImUserAttribute -UserId r1 -Connection $c -Attribute ([ordered]@{
            city = 'Rome'; since = '2026-11-22T08:30:00Z'; when = '2026-11-22T08:30:00+08:00'; code = '007'; eq = 'a=b'; text = "北京 😀 café" })
        Set-ImUserAttribute -UserId r1 -Connection $c -Attribute @{ City = 'ROME' }   # a second name, differing only in case
        Set-ImUserAttribute -UserId r2 -Connection $c -Attribute @{ code = '1.50'; eq = '=1+1'; since = '2026-01-01' }
    }
}

AfterAll {
    Disconnect-ImApp
    foreach ($app in $script:plain, $script:noRemove, $script:drop, $script:bare, $script:hostile) { if ($app) { Stop-TestEmulator -Emulator $app } }
}

Describe 'A Connect-ImApp that fails leaves no connection' {
    AfterEach { Disconnect-ImApp }

    It 'drops the previous app: a command meant for the new app fails with NotConnected and writes nowhere' {
        Connect-TestEmulator -Emulator $plain
        Get-ImConnection | Should -Not -BeNullOrEmpty
        $wrongKey = ConvertTo-SecureString ('wrong-' + [guid]::NewGuid()) -AsPlainText -Force
        { Connect-ImApp -SdkAppId $plain.SdkAppId -Identifier administrator -SecretKey $wrongKey -BaseUri $plain.BaseUri } |
            Should -Throw -ExpectedMessage '*has no connection now*previous one is gone*TENCENTIM_*'

        { Set-ImUserAttribute -UserId meantforB -Attribute @{ city = 'x' } } | Should -Throw -ErrorId 'NotConnected,*'
        (Get-ImUserAttribute meantforB -Connection $c).Attributes.Count | Should -Be 0
        # Get-ImConnection says so, rather than writing nothing.
        Get-ImConnection -ErrorVariable none -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $none[0].FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
        # A connection passed explicitly still works.
        (Get-ImUserAttribute meantforB -Connection $c).UserId | Should -Be 'meantforB'
    }

    It 'turns the environment fallback off in that runspace until Disconnect-ImApp (or a Connect-ImApp that succeeds)' {
        $saved = @{}
        foreach ($name in 'TENCENTIM_SDKAPPID', 'TENCENTIM_IDENTIFIER', 'TENCENTIM_SECRETKEY', 'TENCENTIM_BASEURI') { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
        try {
            $env:TENCENTIM_SDKAPPID = "$($plain.SdkAppId)"
            $env:TENCENTIM_IDENTIFIER = 'administrator'
            $env:TENCENTIM_SECRETKEY = [System.Net.NetworkCredential]::new('', $plain.SecretKey).Password
            $env:TENCENTIM_BASEURI = $plain.BaseUri
            (Get-ImUserAttribute envuser).UserId | Should -Be 'envuser'       # the environment works

            { Connect-ImApp -SdkAppId $plain.SdkAppId -Identifier administrator -UserSig 'not-a-usersig' -BaseUri $plain.BaseUri } | Should -Throw
            { Get-ImUserAttribute envuser } | Should -Throw -ExpectedMessage '*last Connect-ImApp in this runspace failed*Disconnect-ImApp*'

            Disconnect-ImApp
            (Get-ImUserAttribute envuser).UserId | Should -Be 'envuser'       # back on the environment
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }

    It 'a Connect-ImApp that succeeds lifts it' {
        { Connect-ImApp -SdkAppId $plain.SdkAppId -Identifier administrator -UserSig 'not-a-usersig' -BaseUri $plain.BaseUri } | Should -Throw
        Connect-TestEmulator -Emulator $plain
        (Get-ImUserAttribute again).UserId | Should -Be 'again'
    }

    It '-NoDefault that fails leaves the session connection as it was' {
        Connect-TestEmulator -Emulator $plain
        { Connect-ImApp -SdkAppId $plain.SdkAppId -Identifier administrator -UserSig 'not-a-usersig' -BaseUri $plain.BaseUri -NoDefault -PassThru } | Should -Throw
        (Get-ImUserAttribute still).UserId | Should -Be 'still'
    }

    It 'a documented route answered with HTTP 404 fails Connect-ImApp, and stops a run with one error whose counts the summary repeats' {
        $wrongPlace = $plain.BaseUri + 'no/such/prefix/'
        { Connect-ImApp -SdkAppId $plain.SdkAppId -Identifier administrator -SecretKey $plain.SecretKey -BaseUri $wrongPlace } |
            Should -Throw -ErrorId 'ImHttpError404,*' -ExpectedMessage '*other API family*'

        $skipped = Connect-ImApp -SdkAppId $plain.SdkAppId -Identifier administrator -SecretKey $plain.SecretKey -BaseUri $wrongPlace -SkipCheck -PassThru -NoDefault
        $users = 1..250 | ForEach-Object { "n$_" }
        $stop = $null
        try {
            Set-ImUserAttribute -UserId $users -Attribute @{ city = 'x' } -Connection $skipped -ThrottleLimit 1 -ErrorVariable perUser -InformationVariable info
        }
        catch { $stop = $_ }
        $stop | Should -Not -BeNullOrEmpty
        $stop.FullyQualifiedErrorId | Should -BeLike 'ImHttpError404,*'
        $perUser.Count | Should -Be 1                                     # the stop alone: no error per user
        $e = $stop.Exception
        # The app's names are read before the first item is sent (the unregistered-name check): that read meets the
        # 404, so the run stops at input item 1 with nothing written; the rest of the input is not taken.
        $e.Message | Should -BeLike 'im_get_attr_name: HTTP 404*'
        $e.Failed | Should -Be @('n1')
        $e.NotSent.Count | Should -Be 0
        $e.Applied.Count | Should -Be 0
        $e.Message | Should -BeLike "*In all (the run's summary counts the same): 0 done, 1 failed, 0 outcome unknown, 0 not sent.*"

        $summary = ($info | Where-Object { $_.Tags -contains 'Summary' }).MessageData
        $summary.Stopped | Should -BeTrue
        $summary.WriteCalls | Should -Be 0
        $summary.Done | Should -Be ($e.DoneBeforeStop + $e.Applied.Count)
        $summary.Failed | Should -Be $e.Failed.Count
        $summary.OutcomeUnknown | Should -Be $e.OutcomeUnknown.Count
        $summary.StoppedBeforeSending | Should -Be $e.NotSent.Count
        "$summary" | Should -BeLike "*(stopped early): 1 users in, 0 done, 1 failed (ImHttpError404 1), 0 outcome unknown, 0 not sent (the command stopped first)*"
    }
}

Describe 'Restores are exact or refused' {
    BeforeEach { Set-RestoreUsers }

    It 'the README''s JSON restore (ConvertFrom-Json -AsHashtable -DateKind String) writes back exactly what Get wrote' {
        $before = @{ r1 = Get-Exact r1; r2 = Get-Exact r2 }
        $before.r1 | Should -Match 'City=ROME'
        $file = Join-Path $TestDrive 'backup.json'
        'r1', 'r2' | Get-ImUserAttribute -Connection $c | ConvertTo-Json | Set-Content $file
        Remove-ImUserAttribute -UserId r1, r2 -Name $every -Force -Connection $c
        Get-Exact r1 | Should -BeExactly ''

        Get-Content $file -Raw | ConvertFrom-Json -AsHashtable -DateKind String | Set-ImUserAttribute -Connection $c -ErrorVariable failed
        $failed.Count | Should -Be 0
        Get-Exact r1 | Should -BeExactly $before.r1
        Get-Exact r2 | Should -BeExactly $before.r2
    }

    It 'Export-Clixml and Import-Clixml (exact on every PowerShell) write back exactly what Get wrote' {
        $before = @{ r1 = Get-Exact r1; r2 = Get-Exact r2 }
        $file = Join-Path $TestDrive 'backup.xml'
        'r1', 'r2' | Get-ImUserAttribute -Connection $c | Export-Clixml $file
        Remove-ImUserAttribute -UserId r1, r2 -Name $every -Force -Connection $c

        Import-Clixml $file | Set-ImUserAttribute -Connection $c -ErrorVariable failed
        $failed.Count | Should -Be 0
        Get-Exact r1 | Should -BeExactly $before.r1
        Get-Exact r2 | Should -BeExactly $before.r2
    }

    It 'plain ConvertFrom-Json turns date texts into dates: that user is refused (AttributeTableDate), not written in another format' {
        Set-ImUserAttribute -UserId r5 -Attribute @{ when = '2026-11-22T08:30:00+08:00'; code = '007' } -Connection $c
        $file = Join-Path $TestDrive 'r5.json'
        'r5', 'r2' | Get-ImUserAttribute -Connection $c | ConvertTo-Json | Set-Content $file
        $before = Get-Exact r2
        Remove-ImUserAttribute -UserId r5, r2 -Name $every -Force -Connection $c

        (Get-Content $file -Raw | ConvertFrom-Json) | Set-ImUserAttribute -Connection $c -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'AttributeTableDate,*'
        $failed[0].TargetObject | Should -Be 'r5'
        $failed[0].Exception.Message | Should -BeLike "*'when'*-DateKind String*Export-Clixml*"
        Get-Exact r5 | Should -BeExactly ''                                 # nothing written for it
        Get-Exact r2 | Should -BeExactly $before                            # no date-like text there: exact
    }

    It 'a date given directly in -Attribute keeps the documented ISO 8601 text' {
        $when = [datetime]::new(2026, 11, 22, 8, 30, 0, [DateTimeKind]::Utc)
        Set-ImUserAttribute -UserId r3 -Attribute @{ when = $when } -Connection $c
        (Get-ImUserAttribute r3 -Connection $c).Attributes['when'] | Should -BeExactly '2026-11-22T08:30:00.0000000Z'
    }

    It '-AsRow refuses names that differ only in case, and points to the exact table exports' {
        { Get-ImUserAttribute r1 -AsRow -Connection $c } | Should -Throw -ErrorId 'AsRowNamesNotColumns,*' -ExpectedMessage '*Export-Clixml*Import-Clixml*-AsHashtable -DateKind String*'
    }
}

Describe 'Reports that match the run' {
    It 'a user whose set landed and whose remove was refused is ReplacePartlyApplied, and -PassThru writes what landed' {
        Set-ImUserAttribute -UserId p1 -Attribute @{ city = 'Rome'; tier = 'gold' } -Connection $nr
        $drift = Set-ImUserAttribute -UserId p1 -Attribute @{ city = 'Oslo'; tier = '' } -Replace -PassThru -MaxRetry 0 -Confirm:$false -Connection $nr `
            -ErrorVariable failed -ErrorAction SilentlyContinue -InformationVariable info
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ReplacePartlyApplied,*'
        $failed[0].Exception.Message | Should -BeLike '*the set was applied, the remove failed (ImApiError91000*'
        $drift | Should -HaveCount 1
        $drift.UserId | Should -Be 'p1'
        $drift.Changed.city.New | Should -Be 'Oslo'
        $drift.Removed.Count | Should -Be 0
        ($info | Where-Object { $_.Tags -contains 'Summary' }).MessageData.Failed | Should -Be 1
        $held = (Get-ImUserAttribute p1 -Connection $nr).Attributes
        $held.city | Should -Be 'Oslo'
        $held.tier | Should -Be 'gold'
    }

    It 'a tag list sent in parts that fails part-way says how many tags landed' {
        Add-ImUserTag -UserId t1 -Tag (1..85 | ForEach-Object { "a$_" }) -Connection $c
        Add-ImUserTag -UserId t1 -Tag (1..25 | ForEach-Object { "b$_" }) -Connection $c -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 1
        $failed[0].Exception.Message | Should -BeLike "*10 of the user's 25 tags were added before this failure (in 1 earlier call(s), parts of 10); the other 15 were not.*"
        (Get-ImUserTag t1 -Connection $c).Tags.Count | Should -Be 95
    }

    It 'under -WhatIf the summary says "would change", not "done"' {
        Set-ImUserAttribute -UserId w1, w2 -Attribute @{ city = 'x' } -WhatIf -Connection $c -InformationVariable info
        $summary = ($info | Where-Object { $_.Tags -contains 'Summary' }).MessageData
        $summary.WhatIf | Should -BeTrue
        "$summary" | Should -BeLike 'Set-ImUserAttribute -WhatIf (nothing written): 2 users in, 2 would change, 0 failed,*'
        "$summary" | Should -Not -BeLike '* done*'

        Set-ImUserAttribute -UserId w1 -Attribute @{ city = 'x' } -Connection $c
        $null = Set-ImUserAttribute -UserId w1, w2 -Attribute @{ city = 'x' } -Replace -WhatIf -Connection $c -InformationVariable info
        "$(($info | Where-Object { $_.Tags -contains 'Summary' }).MessageData)" | Should -BeLike '*: 2 users in, 1 would change, 1 need no write, 0 failed,*'
    }

    It 'the drift objects keep their tables and export as readable text' {
        Remove-ImUserAttribute -UserId x1 -Name $every -Force -Connection $c
        Set-ImUserAttribute -UserId x1 -Attribute @{ city = 'Rome'; tier = 'old' } -Connection $c
        $drift = Set-ImUserAttribute -UserId x1 -Attribute ([ordered]@{ city = 'Oslo'; code = 'a;b' ; tier = '' }) -Replace -PassThru -Confirm:$false -Connection $c
        $drift.Added.code | Should -Be 'a;b'
        $drift.Changed.city.Old | Should -Be 'Rome'
        $drift.Removed.tier | Should -Be 'old'

        $csv = Join-Path $TestDrive 'drift.csv'
        $drift | Export-Csv $csv -NoTypeInformation
        $text = Get-Content $csv -Raw
        $text | Should -Not -BeLike '*System.Collections*'
        $row = Import-Csv $csv
        $row.Added | Should -BeExactly "code='a;b'"
        $row.Changed | Should -BeExactly 'city=Rome->Oslo'
        $row.Removed | Should -BeExactly 'tier=old'

        Add-ImUserTag -UserId t2 -Tag keep, old -Connection $push
        $tagDrift = Add-ImUserTag -UserId t2 -Tag keep, new -Replace -WhatIf -Connection $push
        $tagDrift.Added | Should -Be @('new')
        ($tagDrift | ConvertTo-Csv -NoTypeInformation)[1] | Should -BeExactly '"t2","new","old"'
    }

    It 'a run with attempts of unknown outcome and no -Verify warns how many, and the summary counts them' {
        Set-ImUserAttribute -UserId d1, d2 -Attribute @{ city = 'x' } -Connection $dc -WarningVariable warned -InformationVariable info -ErrorVariable failed
        $failed.Count | Should -Be 0
        $warned.Count | Should -Be 1
        "$($warned[0])" | Should -BeLike '2 user(s) had a write attempt of unknown outcome*Check them with -Verify*'
        $summary = ($info | Where-Object { $_.Tags -contains 'Summary' }).MessageData
        $summary.UnknownAttempts | Should -Be 2
        "$summary" | Should -BeLike '*2 had an attempt of unknown outcome (not verified: check them with -Verify)*'
    }

    It 'an empty AttrNames answer during a sync stops the run with one error, not "done and verified"' {
        $stop = $null
        try { Set-ImUserAttribute -UserId e1, e2 -Attribute @{ city = 'x' } -Replace -Verify -Confirm:$false -Connection $bc -ErrorVariable perUser -InformationVariable info }
        catch { $stop = $_ }
        $stop | Should -Not -BeNullOrEmpty
        $stop.FullyQualifiedErrorId | Should -BeLike 'ImMalformedResponse,*'
        $stop.Exception.Message | Should -BeLike '*answered with no attribute names*Every user would fail the same way*'
        $perUser.Count | Should -Be 1
        ($info | Where-Object { $_.Tags -contains 'Summary' }).MessageData.Done | Should -Be 0
    }

    It 'an empty AttrNames answer stops <_> the same way, before anything is written' -ForEach @(
        { Set-ImUserAttribute -UserId e1, e2 -Attribute @{ city = 'x' } -Connection $bc -ErrorVariable perUser -InformationVariable info }
        { Remove-ImUserAttribute -UserId e1, e2 -Name city -Force -Connection $bc -ErrorVariable perUser -InformationVariable info }
    ) {
        $perUser = $null; $info = $null
        $stop = $null
        try { . $_ }
        catch { $stop = $_ }
        $stop | Should -Not -BeNullOrEmpty
        $stop.FullyQualifiedErrorId | Should -BeLike 'ImMalformedResponse,*'
        $stop.Exception.Message | Should -BeLike '*answered with no attribute names*Every user would fail the same way*'
        $perUser.Count | Should -Be 1
        $summary = ($info | Where-Object { $_.Tags -contains 'Summary' }).MessageData
        $summary.Done | Should -Be 0
        $summary.WriteCalls | Should -Be 0
    }
}

Describe 'Names from the server are scrubbed and escaped' {
    It 'in the -WhatIf (and so -Confirm) text of a -Replace: no live escape, no secret' {
        $switches = if ($unlisted.Count) { ' -RemoveUnlisted' } else { '' }
        $run = Invoke-TestPwsh -Emulator $hostile -ModulePath $modulePath -Script "Set-ImUserAttribute -UserId h1 -Attribute @{ city = 'Rome' } -Replace -WhatIf$switches | Out-Null"
        $text = $run.Lines -join "`n"
        $text | Should -BeLike '*Replace attributes: remove*'
        $text.Contains([string][char]27) | Should -BeFalse
        $text | Should -BeLike '*\u001B]0;pwned\u0007tier*'
        $text.Contains($hostileKey.Substring(0, 16)) | Should -BeFalse
        $text | Should -BeLike '*remove*`*`*`**'
    }

    It 'in an ImVerifyMismatch message: a name holding the secret is masked, an escape is shown escaped' {
        Set-ImUserAttribute -UserId h1 -Attribute @{ city = 'Rome' } -Replace -Verify -Confirm:$false @unlisted -Connection $hc -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ImVerifyMismatch,*'
        $message = $failed[0].Exception.Message
        $message.Contains($hostileKey.Substring(0, 16)) | Should -BeFalse
        $message.Contains([string][char]27) | Should -BeFalse
        $message | Should -BeLike '*\u001B]0;pwned\u0007tier not set*'
        $message | Should -BeLike '*`*`*`* not set*'
    }
}
