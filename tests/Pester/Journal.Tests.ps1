#Requires -Version 7.2
# Pester 5: the run journal (-JournalPath) and Get-ImRunJournal, through the real cmdlets against the emulator as a
# process: each write cmdlet records its users' intended change and what they held before, then the outcome; the
# file is owner-only and holds no secret; an existing file is JournalExists before anything is sent; -WhatIf writes
# none; the reader's objects answer "what did the run change for alice" in one line.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1') -Force
    Import-Module (Join-Path $root 'tools/TencentImAttr.Dev.psm1') -Force
    $script:app = Start-TestEmulator -SdkAppId 1400000000
    $script:c = Connect-TestEmulator -Emulator $app -Parameters @{ PassThru = $true; NoDefault = $true }
    $script:push = Connect-TestEmulator -Emulator $app -Parameters @{ PassThru = $true; NoDefault = $true; Service = 'Push' }
    Set-ImAppAttributeName -Name city, tier, level -Force -Connection $c
    $script:key = [System.Net.NetworkCredential]::new('', $app.SecretKey).Password

    function Reset-Users {
        Remove-ImUserAttribute -UserId alice, bob, carol -Name city, tier, level -Force -Connection $c
        Set-ImUserAttribute -UserId alice -Attribute @{ city = 'Rome'; tier = 'gold' } -Connection $c
        Set-ImUserAttribute -UserId bob -Attribute @{ city = 'Oslo' } -Connection $c
    }
    function Get-Items([string] $Path) { Get-ImRunJournal $Path | Where-Object { $_ -is [TencentImAttr.Models.RunJournalRecord] } }
}

AfterAll {
    if ($script:app) { Stop-TestEmulator -Emulator $script:app }
}

Describe 'Set-ImUserAttribute -JournalPath' {
    BeforeEach { Reset-Users }

    It 'records the header, each user''s change with what it held before, and the outcome' {
        $path = Join-Path $TestDrive 'set.jsonl'
        Set-ImUserAttribute -UserId alice, bob, carol -Attribute @{ city = 'Paris' } -JournalPath $path -Connection $c

        $header, $rest = @(Get-ImRunJournal $path)
        $header | Should -BeOfType ([TencentImAttr.Models.RunJournalHeader])
        $header.Command | Should -Be 'Set-ImUserAttribute'
        $header.AppId | Should -Be 1400000000
        $header.Service | Should -Be 'AllMemberPush'
        $rest.Count | Should -Be 3
        $alice = $rest | Where-Object UserId -eq 'alice'
        $alice.Outcome | Should -Be 'Done'
        $alice.Position | Should -Be 0
        $alice.Set.city | Should -Be 'Paris'
        $alice.Prior.city | Should -Be 'Rome'
        $alice.Prior.ContainsKey('tier') | Should -BeFalse
        ($rest | Where-Object UserId -eq 'carol').Prior.ContainsKey('city') | Should -BeTrue
        ($rest | Where-Object UserId -eq 'carol').Prior.city | Should -BeNullOrEmpty
        (Get-ImUserAttribute alice -Connection $c).Attributes.city | Should -Be 'Paris'
    }

    It 'answers "what did the run change for alice" and "which users are not done" in one line each' {
        $path = Join-Path $TestDrive 'oneline.jsonl'
        Set-ImUserAttribute -UserId alice, '', bob -Attribute @{ tier = 'silver' } -JournalPath $path -Connection $c -ErrorAction SilentlyContinue
        (Get-ImRunJournal $path | Where-Object UserId -eq 'alice').Change | Should -Be 'set tier=silver'
        $notDone = @(Get-ImRunJournal $path | Where-Object { $_ -is [TencentImAttr.Models.RunJournalRecord] -and $_.Outcome -ne 'Done' })
        $notDone.Count | Should -Be 1
        $notDone[0].Outcome | Should -Be 'Rejected'
        $notDone[0].ErrorId | Should -Be 'UserIdEmpty'
        $notDone[0].Position | Should -Be 1
        $table = Get-ImRunJournal $path | Select-Object -Skip 1 | Format-Table | Out-String -Width 200
        $table | Should -Match 'alice\s+Done\s+set tier=silver\s+tier=gold'
        $table | Should -Match "bob\s+Done\s+set tier=silver\s+tier=''"
        $table | Should -Match 'UserIdEmpty'
        # As PowerShell shows the stream itself: the header as a list, out of band, then the records in their table
        # (not lists of every property, as a second type in one stream would otherwise get).
        $shown = Get-ImRunJournal $path | Out-String -Width 200
        $shown | Should -Match 'Command\s+: Set-ImUserAttribute'
        $shown | Should -Match 'Position\s+UserId\s+Outcome\s+ErrorId\s+Change'
        $shown | Should -Match 'alice\s+Done\s+set tier=silver'
        $shown | Should -Not -Match 'PriorAppAttributeNames\s+:'
    }

    It 'creates the file owner-only, with the shaping switches in its header and never the key or the UserSig' {
        $path = Join-Path $TestDrive 'private.jsonl'
        Set-ImUserAttribute -UserId alice -Attribute @{ city = 'Paris' } -Verify -VerifySettleSec 0 -JournalPath $path -Connection $c
        if (-not $IsWindows) {
            (Get-Item $path).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
        }
        $text = Get-Content $path -Raw
        $text | Should -Not -Match ([regex]::Escape($key))
        $text | Should -Not -Match 'usersig'
        $header = Get-ImRunJournal $path | Select-Object -First 1
        $header.Parameters['Verify'] | Should -Be 'True'
        $header.Parameters['VerifySettleSec'] | Should -Be '0'
        $header.Parameters.ContainsKey('Attribute') | Should -BeFalse
        $header.Parameters.ContainsKey('JournalPath') | Should -BeFalse
    }

    It 'makes a file named for the command and the time in a folder' {
        $folder = Join-Path $TestDrive 'runs'
        $null = New-Item -ItemType Directory $folder
        Set-ImUserAttribute -UserId alice -Attribute @{ city = 'Paris' } -JournalPath $folder -Connection $c
        $file = @(Get-ChildItem $folder)
        $file.Count | Should -Be 1
        $file[0].Name | Should -Match '^Set-ImUserAttribute-\d{8}T\d{9}Z\.jsonl$'
    }

    It 'refuses an existing journal with JournalExists before anything is sent' {
        $path = Join-Path $TestDrive 'exists.jsonl'
        Set-Content $path 'earlier run'
        { Set-ImUserAttribute -UserId alice -Attribute @{ city = 'Paris' } -JournalPath $path -Connection $c } |
            Should -Throw -ErrorId 'JournalExists,TencentImAttr.Cmdlets.SetImUserAttributeCommand'
        Get-Content $path | Should -Be 'earlier run'
        (Get-ImUserAttribute alice -Connection $c).Attributes.city | Should -Be 'Rome'
    }

    It 'writes no journal under -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.jsonl'
        Set-ImUserAttribute -UserId alice -Attribute @{ city = 'Paris' } -JournalPath $path -WhatIf -Connection $c
        Test-Path $path | Should -BeFalse
    }

    It 'records -Replace with the whole prior set and what the sync did' {
        $path = Join-Path $TestDrive 'replace.jsonl'
        [pscustomobject]@{ UserId = 'alice'; city = 'Paris'; tier = '' } | Set-ImUserAttribute -Replace -Force -JournalPath $path -Connection $c
        $alice = Get-Items $path
        $alice.PriorComplete | Should -BeTrue
        $alice.Prior.city | Should -Be 'Rome'
        $alice.Prior.tier | Should -Be 'gold'
        $alice.Outcome | Should -Be 'Done'
        $alice.AppliedSet.city | Should -Be 'Paris'
        $alice.AppliedRemove | Should -Contain 'tier'
        (Get-ImRunJournal $path | Select-Object -First 1).Parameters['Replace'] | Should -Be 'True'
    }
}

Describe 'The other write cmdlets with -JournalPath' {
    BeforeEach { Reset-Users }

    It 'Remove-ImUserAttribute records the names removed and their values before' {
        $path = Join-Path $TestDrive 'remove.jsonl'
        Remove-ImUserAttribute -UserId alice -Name tier -Force -JournalPath $path -Connection $c
        $alice = Get-Items $path
        $alice.Remove | Should -Be @('tier')
        $alice.Prior.tier | Should -Be 'gold'
        $alice.Outcome | Should -Be 'Done'
    }

    It 'the tag cmdlets record the whole tag set before, on both families' {
        Clear-ImUserTag -UserId alice -Force -Connection $push
        Add-ImUserTag -UserId alice -Tag a, b -Connection $push
        $add = Join-Path $TestDrive 'addtags.jsonl'
        Add-ImUserTag -UserId alice -Tag x, y -Replace -Force -JournalPath $add -Connection $push
        $item = Get-Items $add
        $item.ReplaceTags | Should -Be @('x', 'y')
        $item.PriorTags | Should -Be @('a', 'b')
        $remove = Join-Path $TestDrive 'removetags.jsonl'
        Remove-ImUserTag -UserId alice -Tag x -Force -JournalPath $remove -Connection $c
        (Get-Items $remove).PriorTags | Should -Be @('x', 'y')
        $clear = Join-Path $TestDrive 'cleartags.jsonl'
        Clear-ImUserTag -UserId alice -Force -JournalPath $clear -Connection $c
        $cleared = Get-Items $clear
        $cleared.ClearTags | Should -BeTrue
        $cleared.PriorTags | Should -Be @('y')
        $cleared.Outcome | Should -Be 'Done'
    }

    It 'Set-ImAppAttributeName records the names the app held before' {
        $path = Join-Path $TestDrive 'names.jsonl'
        Set-ImAppAttributeName -Name city, tier, level -Force -JournalPath $path -Connection $c
        $item = Get-Items $path
        $item.AppAttributeNames['0'] | Should -Be 'city'
        $item.PriorAppAttributeNames['2'] | Should -Be 'level'
        $item.Outcome | Should -Be 'Done'
    }
}

Describe 'Get-ImRunJournal' {
    It 'names the file and the line of an invalid journal' {
        $path = Join-Path $TestDrive 'bad.jsonl'
        Set-Content $path '{"type":"intent"}'
        { Get-ImRunJournal $path } | Should -Throw -ErrorId 'JournalInvalid,TencentImAttr.Cmdlets.GetImRunJournalCommand'
        try { Get-ImRunJournal $path } catch { $_.Exception.Message | Should -Match 'bad\.jsonl.*line 1' }
    }
}

Describe 'Undo-ImRun' {
    BeforeAll {
        # One table: user -> "name=value;..." sorted by name.
        function Get-Store {
            $store = @{}
            foreach ($user in Get-ImUserAttribute alice, bob, carol -Connection $c) {
                $store[$user.UserId] = ($user.Attributes.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ';'
            }
            $store
        }
        function Get-TagStore([object] $Connection) {
            $store = @{}
            foreach ($user in Get-ImUserTag alice, bob -Connection $Connection) { $store[$user.UserId] = ($user.Tags | Sort-Object) -join ',' }
            $store
        }
    }
    BeforeEach { Reset-Users }

    It 'puts back what a Set changed, and -WhatIf first prints the plan and writes nothing' {
        $before = Get-Store
        $path = Join-Path $TestDrive 'undo-set.jsonl'
        Set-ImUserAttribute -UserId alice, bob, carol -Attribute @{ city = 'Paris'; level = '9' } -JournalPath $path -Connection $c
        $after = Get-Store

        $plan = @(Undo-ImRun $path -WhatIf -Connection $c)
        $plan | Should -BeOfType ([TencentImAttr.Models.RunUndoStep])
        ($plan | Where-Object { $_.UserId -eq 'alice' -and $_.Name -eq 'city' }).Action | Should -Be 'Restore'
        ($plan | Where-Object { $_.UserId -eq 'alice' -and $_.Name -eq 'city' }).Prior | Should -Be 'Rome'
        ($plan | Where-Object { $_.UserId -eq 'carol' -and $_.Name -eq 'city' }).Prior | Should -BeNullOrEmpty
        (Get-Store).alice | Should -Be $after.alice

        Undo-ImRun $path -Force -Connection $c -InformationVariable info
        $now = Get-Store
        foreach ($user in 'alice', 'bob', 'carol') { $now[$user] | Should -Be $before[$user] }
        $info[-1].MessageData.Restored | Should -Be 6
        $info[-1].MessageData.Conflicts | Should -Be 0
        # What -InformationAction Continue shows: one line of text, not the object's properties.
        "$($info[-1].MessageData)" | Should -Be 'Undo-ImRun: 6 restored, 0 unchanged, 0 conflicts, 0 failed.'
        $info[-1].Tags | Should -Contain 'Summary'
    }

    It 'undoes a user set several times, with different names and the same name twice, back to what it held before the first (latest record first)' {
        # alice is written in three calls (a call holds a user once: 100 other users stand between her rows).
        $fill = { param($from) $from..($from + 99) | ForEach-Object { [pscustomobject]@{ UserId = "f$_"; level = '1' } } }
        $rows = @([pscustomobject]@{ UserId = 'alice'; city = 'Paris' }) + (& $fill 1) + @([pscustomobject]@{ UserId = 'alice'; tier = 'silver' }) + (& $fill 101) +
            @([pscustomobject]@{ UserId = 'alice'; city = 'Lyon' })
        $path = Join-Path $TestDrive 'undo-twice.jsonl'
        $rows | Set-ImUserAttribute -JournalPath $path -Connection $c
        @(Get-Items $path | Where-Object UserId -eq 'alice').Count | Should -Be 3
        (Get-Store).alice | Should -Be 'city=Lyon;tier=silver'

        $plan = @(Undo-ImRun $path -WhatIf -Connection $c | Where-Object UserId -eq 'alice')
        ($plan | ForEach-Object { "$($_.Name):$($_.Now)->$($_.Prior):$($_.Action)" }) -join ' ' | Should -Be 'city:Lyon->Paris:Restore tier:silver->gold:Restore city:Paris->Rome:Restore'

        Undo-ImRun $path -Force -Connection $c -InformationVariable info -ErrorVariable problems
        $problems.Count | Should -Be 0
        (Get-Store).alice | Should -Be 'city=Rome;tier=gold'
        (Get-ImUserAttribute f1, f200 -Connection $c | ForEach-Object { $_.Attributes.Count } | Measure-Object -Sum).Sum | Should -Be 0
        $info[-1].MessageData.Restored | Should -Be 203
    }

    It 'reports a user changed in between as ImUndoConflict and leaves it, restoring the others' {
        $path = Join-Path $TestDrive 'undo-conflict.jsonl'
        Set-ImUserAttribute -UserId alice, bob -Attribute @{ city = 'Paris' } -JournalPath $path -Connection $c
        Set-ImUserAttribute -UserId bob -Attribute @{ city = 'Lyon' } -Connection $c
        Undo-ImRun $path -Force -Connection $c -ErrorVariable conflicts -ErrorAction SilentlyContinue -InformationVariable info
        $conflicts.Count | Should -Be 1
        $conflicts[0].FullyQualifiedErrorId | Should -BeLike 'ImUndoConflict*'
        $conflicts[0].TargetObject | Should -Be 'bob'
        $conflicts[0].Exception.Message | Should -Match "intended 'Paris'.*now 'Lyon'"
        (Get-ImUserAttribute bob -Connection $c).Attributes.city | Should -Be 'Lyon'
        (Get-ImUserAttribute alice -Connection $c).Attributes.city | Should -Be 'Rome'
        $info[-1].MessageData.Conflicts | Should -Be 1

        Undo-ImRun $path -Force -OverwriteConflict -Connection $c
        (Get-ImUserAttribute bob -Connection $c).Attributes.city | Should -Be 'Oslo'
    }

    It 'undoes a Remove and a -Replace sync exactly, and an undo journaled with -JournalPath can itself be undone' {
        $before = Get-Store
        $remove = Join-Path $TestDrive 'undo-remove.jsonl'
        Remove-ImUserAttribute -UserId alice, bob -Name city -Force -JournalPath $remove -Connection $c
        Undo-ImRun $remove -Force -Connection $c
        $now = Get-Store
        foreach ($user in 'alice', 'bob', 'carol') { $now[$user] | Should -Be $before[$user] }

        $sync = Join-Path $TestDrive 'undo-replace.jsonl'
        'UserId,city,tier', 'alice,Tokyo,', 'bob,,bronze', 'carol,Lima,gold' | ConvertFrom-Csv | Set-ImUserAttribute -Replace -RemoveUnlisted -Force -JournalPath $sync -Connection $c
        $synced = Get-Store
        $synced.alice | Should -Be 'city=Tokyo'
        $undo = Join-Path $TestDrive 'undo-of-replace.jsonl'
        Undo-ImRun $sync -Force -JournalPath $undo -Connection $c
        $now = Get-Store
        foreach ($user in 'alice', 'bob', 'carol') { $now[$user] | Should -Be $before[$user] }

        # Undo of the undo: the sync's result again.
        Undo-ImRun $undo -Force -Connection $c
        $again = Get-Store
        foreach ($user in 'alice', 'bob', 'carol') { $again[$user] | Should -Be $synced[$user] }
    }

    It 'undoes tag runs: an add and a remove per tag, a -Replace and a Clear as exact sets (clear_all_tags for an empty prior on Push)' {
        Clear-ImUserTag -UserId alice, bob -Force -Connection $push
        Add-ImUserTag -UserId alice -Tag a, b -Connection $push
        $before = Get-TagStore $push

        $replace = Join-Path $TestDrive 'undo-tags-replace.jsonl'
        Add-ImUserTag -UserId alice, bob -Tag x -Replace -Force -JournalPath $replace -Connection $push
        (Get-TagStore $push).alice | Should -Be 'x'
        Undo-ImRun $replace -Force -Connection $push
        $now = Get-TagStore $push
        $now.alice | Should -Be $before.alice
        $now.bob | Should -Be $before.bob

        $add = Join-Path $TestDrive 'undo-tags-add.jsonl'
        Add-ImUserTag -UserId alice -Tag b, c -JournalPath $add -Connection $c
        Undo-ImRun $add -Force -Connection $c
        (Get-TagStore $c).alice | Should -Be 'a,b'

        $removeTags = Join-Path $TestDrive 'undo-tags-remove.jsonl'
        Remove-ImUserTag -UserId alice -Tag a -Force -JournalPath $removeTags -Connection $c
        (Get-TagStore $c).alice | Should -Be 'b'
        Undo-ImRun $removeTags -Force -Connection $c
        (Get-TagStore $c).alice | Should -Be 'a,b'

        $clear = Join-Path $TestDrive 'undo-tags-clear.jsonl'
        Clear-ImUserTag -UserId alice -Force -JournalPath $clear -Connection $c
        Undo-ImRun $clear -Force -Connection $c
        (Get-TagStore $c).alice | Should -Be 'a,b'
    }

    It 'puts back the app''s attribute names' {
        $path = Join-Path $TestDrive 'undo-names.jsonl'
        Set-ImAppAttributeName -Name city, tier, level, extra -Force -JournalPath $path -Connection $c
        (Get-ImAppAttributeName -Connection $c).Name | Should -Contain 'extra'
        Undo-ImRun $path -Force -Connection $c
        (Get-ImAppAttributeName -Connection $c).Name | Should -Be @('city', 'tier', 'level')
    }

    It 'refuses a journal another process still holds (JournalInUse, before anything is read or sent), reads it meanwhile, and a SIGKILLed holder leaves no lock' {
        $path = Join-Path $TestDrive 'undo-in-use.jsonl'
        Set-ImUserAttribute -UserId alice -Attribute @{ city = 'Paris' } -JournalPath $path -Connection $c
        # A child holds the journal as a run writing it does (write access, shared for reading only), then says so.
        $startInfo = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
        $pwshDll = Join-Path $PSHOME 'pwsh.dll'
        if (Test-Path $pwshDll) { $startInfo.ArgumentList.Add($pwshDll) } else { $startInfo.FileName = Join-Path $PSHOME 'pwsh' }
        foreach ($arg in '-NoProfile', '-NonInteractive', '-Command', "`$f = [System.IO.FileStream]::new('$path', 'Open', 'Write', 'Read'); 'held'; Start-Sleep -Seconds 600") { $startInfo.ArgumentList.Add($arg) }
        $startInfo.RedirectStandardOutput = $true
        $child = [System.Diagnostics.Process]::Start($startInfo)
        try {
            $child.StandardOutput.ReadLine() | Should -Be 'held'
            $before = Get-Content $path -Raw

            { Undo-ImRun $path -Force -Connection $c } | Should -Throw -ErrorId 'JournalInUse,TencentImAttr.Cmdlets.UndoImRunCommand'
            # Nothing read: no call line in the verbose stream (the undo below, after the kill, shows that it writes them).
            $e = $null
            $verbose = [System.Collections.Generic.List[string]]::new()
            try { Undo-ImRun $path -WhatIf -Connection $c -Verbose 4>&1 | ForEach-Object { $verbose.Add("$_") } } catch { $e = $_ }
            $e.Exception.Message | Should -BeLike "*'$path' is in use by another process*"
            @($verbose | Where-Object { $_ -match 'get_attr' }).Count | Should -Be 0
            { Set-ImUserAttribute -UserId alice -Attribute @{ city = 'Paris' } -JournalPath $path -Resume -Connection $c } |
                Should -Throw -ErrorId 'JournalInUse,TencentImAttr.Cmdlets.SetImUserAttributeCommand'
            (Get-ImUserAttribute alice -Connection $c).Attributes.city | Should -Be 'Paris'
            Get-Content $path -Raw | Should -Be $before

            # Reading it while it is written still works.
            (Get-Items $path).UserId | Should -Be 'alice'
        }
        finally {
            $child.Kill()   # SIGKILL on Linux and macOS: its lock goes with it
            $child.WaitForExit()
            $child.Dispose()
        }
        $verbose = @(Undo-ImRun $path -Force -Connection $c -Verbose 4>&1 | ForEach-Object { "$_" })
        @($verbose | Where-Object { $_ -match 'get_attr' }).Count | Should -BeGreaterThan 0
        (Get-ImUserAttribute alice -Connection $c).Attributes.city | Should -Be 'Rome'
    }

    It 'refuses an edited journal with JournalInvalid naming the file and the line, before anything is sent, wherever the line stands' {
        # The bad line is near the start: the undo reads backwards, and checks the whole file first.
        $path = Join-Path $TestDrive 'undo-edited.jsonl'
        1..250 | ForEach-Object { [pscustomobject]@{ UserId = "g$_"; city = 'Paris' } } | Set-ImUserAttribute -JournalPath $path -Connection $c
        $lines = Get-Content $path
        $lines[1] = $lines[1] -replace '"prior":\{"city":null\}', '"prior":{"city":5}'
        $edited = Join-Path $TestDrive 'undo-edited2.jsonl'
        Set-Content $edited $lines
        $e = $null
        try { Undo-ImRun $edited -Force -Connection $c } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -Be 'JournalInvalid,TencentImAttr.Cmdlets.UndoImRunCommand'
        $e.Exception.Message | Should -BeLike "*undo-edited2.jsonl' is not valid at line 2*"
        (Get-ImUserAttribute g250 -Connection $c).Attributes.city | Should -Be 'Paris'

        # An app-names record whose prior account type is not one (Enum.Parse's error before): JournalInvalid too.
        $names = Join-Path $TestDrive 'undo-names-edited.jsonl'
        Set-ImAppAttributeName -Name city, tier, level, extra -Force -JournalPath $names -Connection $c
        $lines = Get-Content $names
        $lines[1] = $lines[1] -replace '"priorAppAttributeNames":\{"0"', '"priorAppAttributeNames":{"x"'
        Set-Content $names $lines
        { Undo-ImRun $names -Force -Connection $c } | Should -Throw -ErrorId 'JournalInvalid,TencentImAttr.Cmdlets.UndoImRunCommand'
        (Get-ImAppAttributeName -Connection $c).Name | Should -Contain 'extra'
        Set-ImAppAttributeName -Name city, tier, level -Force -Connection $c
    }

    It 'refuses a journal of another app before anything is sent, naming the file and the line' {
        $path = Join-Path $TestDrive 'undo-other.jsonl'
        Set-ImUserAttribute -UserId alice -Attribute @{ city = 'Paris' } -JournalPath $path -Connection $c
        $lines = Get-Content $path
        $lines[0] = $lines[0] -replace '"appId":1400000000', '"appId":1400000001'
        $other = Join-Path $TestDrive 'undo-other2.jsonl'
        Set-Content $other $lines
        { Undo-ImRun $other -Force -Connection $c } | Should -Throw -ErrorId 'JournalOtherApp,TencentImAttr.Cmdlets.UndoImRunCommand'
        (Get-ImUserAttribute alice -Connection $c).Attributes.city | Should -Be 'Paris'
    }
}
