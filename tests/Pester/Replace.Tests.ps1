#Requires -Version 7.2
# Pester 5: Set-ImUserAttribute -Replace (desired-state sync) and Add-ImUserTag -Replace -WhatIf (the tag drift
# report), through the real cmdlets against the emulator as a process: the store ends exact, -WhatIf writes the drift
# and sends no write, the drift equals what the run then does, the summary counts read and write calls, and the view.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1') -Force
    Import-Module (Join-Path $root 'tools/TencentImAttr.Dev.psm1') -Force
    $script:app = Start-TestEmulator -SdkAppId 1400000000
    $script:c = Connect-TestEmulator -Emulator $app -Parameters @{ PassThru = $true; NoDefault = $true }
    $script:push = Connect-TestEmulator -Emulator $app -Parameters @{ PassThru = $true; NoDefault = $true; Service = 'Push' }
    Set-ImAppAttributeName -Name city, tier, level -Force -Connection $c

    function Reset-Users {
        Remove-ImUserAttribute -UserId alice, bob, carol -Name city, tier, level -Force -Connection $c
        Set-ImUserAttribute -UserId alice -Attribute @{ city = 'Beijing'; tier = 'gold'; level = '3' } -Connection $c
        Set-ImUserAttribute -UserId bob -Attribute @{ city = 'Beijing'; tier = 'silver' } -Connection $c
    }
    # One table: user -> "name=value;..." sorted by name ("" for a user with none).
    function Get-Store {
        $store = @{}
        foreach ($user in Get-ImUserAttribute alice, bob, carol -Connection $c) {
            $store[$user.UserId] = ($user.Attributes.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ';'
        }
        $store
    }
    $script:csv = Join-Path $TestDrive 'hr.csv'
    # alice: city changes, level goes; bob: the empty tier cell removes tier; carol: everything is added.
    Set-Content $csv -Value 'UserId,city,tier,level', 'alice,Shenzhen,gold,', 'bob,Beijing,,', 'carol,Tokyo,bronze,1'
}

AfterAll {
    if ($script:app) { Stop-TestEmulator -Emulator $script:app }
}

Describe 'Set-ImUserAttribute -Replace' {
    BeforeEach { Reset-Users }

    It 'makes every user exactly what the CSV says, and -PassThru writes the drift of each user changed' {
        $drift = Import-Csv $csv | Set-ImUserAttribute -Replace -Force -PassThru -Connection $c -InformationVariable run
        $drift | Should -HaveCount 3
        $drift[0] | Should -BeOfType TencentImAttr.Models.AttributeDrift
        $drift.UserId | Should -Be @('alice', 'bob', 'carol')

        $store = Get-Store
        $store.alice | Should -Be 'city=Shenzhen;tier=gold'
        $store.bob | Should -Be 'city=Beijing'
        $store.carol | Should -Be 'city=Tokyo;level=1;tier=bronze'

        $summary = $run.MessageData
        $summary.ReadCalls | Should -Be 2          # the app's names and one get of 3 users
        $summary.WriteCalls | Should -Be 2         # one set (alice, carol), one remove (alice, bob)
        $summary.Drifted | Should -Be 3
        "$summary" | Should -BeLike '*3 drifted*2 read calls, 2 write calls*'
    }

    It '-WhatIf is a drift report: one object per user that would change, no write sent, and the run then does exactly that' {
        Set-ImUserAttribute -UserId carol -Attribute @{ city = 'Tokyo'; tier = 'bronze'; level = '1' } -Connection $c   # carol already exact
        $before = Get-Store
        $report = Import-Csv $csv | Set-ImUserAttribute -Replace -WhatIf -Connection $c -InformationVariable dry
        $report.UserId | Should -Be @('alice', 'bob')
        $report[0].Changed['city'].Old | Should -Be 'Beijing'
        $report[0].Changed['city'].New | Should -Be 'Shenzhen'
        $report[0].Removed['level'] | Should -Be '3'
        $report[1].Removed['tier'] | Should -Be 'silver'
        $dry.MessageData.WriteCalls | Should -Be 0
        $dry.MessageData.ReadCalls | Should -BeGreaterThan 0
        $dry.MessageData.NotSent | Should -Be 2
        (Get-Store).alice | Should -Be $before.alice
        (Get-Store).bob | Should -Be $before.bob

        $done = Import-Csv $csv | Set-ImUserAttribute -Replace -Force -PassThru -Connection $c
        $done.UserId | Should -Be $report.UserId
        for ($i = 0; $i -lt $report.Count; $i++) {
            ($done[$i].Added.Keys -join ',') | Should -Be ($report[$i].Added.Keys -join ',')
            ($done[$i].Removed.Keys -join ',') | Should -Be ($report[$i].Removed.Keys -join ',')
            ($done[$i].Changed.Keys -join ',') | Should -Be ($report[$i].Changed.Keys -join ',')
        }
    }

    It 'sends no write for users already equal, and says so in the summary' {
        Import-Csv $csv | Set-ImUserAttribute -Replace -Force -Connection $c
        $again = Import-Csv $csv | Set-ImUserAttribute -Replace -Force -PassThru -Connection $c -InformationVariable run
        $again | Should -BeNullOrEmpty
        $run.MessageData.WriteCalls | Should -Be 0
        $run.MessageData.Done | Should -Be 3
        $run.MessageData.Drifted | Should -Be 0
    }

    # Until issue 22 this was -Replace alone; -Replace now manages only the names given, the whole set is -RemoveUnlisted.
    It '-UserId with -Attribute and -RemoveUnlisted makes those users exactly that table' {
        Set-ImUserAttribute -UserId alice, bob -Attribute @{ tier = 'platinum' } -Replace -RemoveUnlisted -Force -Connection $c
        (Get-Store).alice | Should -Be 'tier=platinum'
        (Get-Store).bob | Should -Be 'tier=platinum'
    }

    It '-UserId with -Attribute and -Replace alone sets and removes only the names of the table' {
        Set-ImUserAttribute -UserId alice, bob -Attribute @{ tier = 'platinum'; level = '' } -Replace -Force -Connection $c
        (Get-Store).alice | Should -Be 'city=Beijing;tier=platinum'
        (Get-Store).bob | Should -Be 'city=Beijing;tier=platinum'
    }

    It 'shows the drift as a table, each change as old->new' {
        $text = Import-Csv $csv | Set-ImUserAttribute -Replace -WhatIf -Connection $c | Format-Table | Out-String -Width 200
        $text | Should -Match 'UserId\s+Added\s+Changed\s+Removed'
        $text | Should -Match 'alice\s+city=Beijing->Shenzhen\s+level=3'
    }

    It 'with -Verify reads back the users the sync wrote, ends exact, and counts them and the calls' {
        Import-Csv $csv | Set-ImUserAttribute -Replace -Force -Verify -Connection $c -InformationVariable run -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        $store = Get-Store
        $store.alice | Should -Be 'city=Shenzhen;tier=gold'
        $store.bob | Should -Be 'city=Beijing'
        $store.carol | Should -Be 'city=Tokyo;level=1;tier=bronze'
        $summary = $run.MessageData
        $summary.Drifted | Should -Be 3
        $summary.Verified | Should -Be 3
        $summary.Mismatched | Should -Be 0
        # Reads: the app's names, the sync's read, one read-back of the three users written. Writes: one set, one remove.
        $summary.ReadCalls | Should -Be 3
        $summary.WriteCalls | Should -Be 2
        # Run again: every user is equal, so nothing is written and nothing is read back.
        Import-Csv $csv | Set-ImUserAttribute -Replace -Force -Verify -Connection $c -InformationVariable again
        $again.MessageData.Verified | Should -Be 0
        $again.MessageData.ReadCalls | Should -Be 2
        $again.MessageData.WriteCalls | Should -Be 0
    }

    It 'with -Verify and -WhatIf is the drift report alone: nothing written, nothing verified' {
        $report = Import-Csv $csv | Set-ImUserAttribute -Replace -Verify -WhatIf -Connection $c -InformationVariable run
        $report | Should -HaveCount 3
        $run.MessageData.WriteCalls | Should -Be 0
        $run.MessageData.Verified | Should -Be 0
        (Get-Store).alice | Should -Be 'city=Beijing;level=3;tier=gold'
    }

    It 'reports bad input by user and still syncs the others' {
        $rows = @([pscustomobject]@{ UserId = ''; city = 'x' }, [pscustomobject]@{ UserId = 'bob'; city = 'Paris' })
        $rows | Set-ImUserAttribute -Replace -Force -Connection $c -ErrorVariable bad -ErrorAction SilentlyContinue
        $bad | Should -HaveCount 1
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'UserIdEmpty*'
        # -Replace manages only the names the row gives: bob keeps his tier (until issue 22 the row removed it).
        (Get-Store).bob | Should -Be 'city=Paris;tier=silver'
    }
}

Describe 'Add-ImUserTag -Replace -WhatIf' {
    It 'reads the tags and writes one TagDrift per user whose tags would change; nothing is added' {
        Add-ImUserTag -UserId ta, tb -Tag vip, beta -Connection $push
        $report = Add-ImUserTag -UserId ta, tb -Tag vip, beta -Replace -WhatIf -Connection $push
        $report | Should -BeNullOrEmpty
        $report = @([pscustomobject]@{ UserId = 'ta'; Tags = @('vip', 'gold') }, [pscustomobject]@{ UserId = 'tb'; Tags = @('vip', 'beta') }) |
            Add-ImUserTag -Replace -WhatIf -Connection $push -InformationVariable run
        $report | Should -HaveCount 1
        $report[0] | Should -BeOfType TencentImAttr.Models.TagDrift
        $report[0].UserId | Should -Be 'ta'
        $report[0].Added | Should -Be @('gold')
        $report[0].Removed | Should -Be @('beta')
        $run.MessageData.WriteCalls | Should -Be 0
        (Get-ImUserTag ta -Connection $push).Tags | Should -Be @('vip', 'beta')
        ($report | Format-Table | Out-String) | Should -Match 'ta\s+gold\s+beta'
    }
}
