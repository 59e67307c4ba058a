#Requires -Version 7.2
# Pester 5: Get-ImRunJournal shows, for a tag list sent in parts that did not complete, each part's tags and outcome
# (the journal's 'parts'), as objects and in its list view; a version-1 journal without parts reads as before.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1') -Force
    $script:header = '{"type":"header","format":"TencentImAttr.RunJournal","version":1,"command":"Add-ImUserTag","appId":1400000000,"identifier":"administrator","endpoint":"http://127.0.0.1:1/","service":"AllMemberPush","parameters":{},"moduleVersion":"0.9.0","started":"2026-12-06T18:48:25.123Z"}'
}

Describe 'Get-ImRunJournal and tag lists sent in parts' {
    It 'writes each part''s tags and outcome, and its list view shows them' {
        $path = Join-Path $TestDrive 'parts.jsonl'
        $tags = 0..11 | ForEach-Object { "t$_" }
        $intent = '{"type":"intent","call":1,"pos":[0],"user":"bob","addTags":[' + (($tags | ForEach-Object { "`"$_`"" }) -join ',') + '],"priorTags":[]}'
        $outcome = '{"type":"outcome","call":1,"pos":[0],"user":"bob","outcome":"PartlyApplied","errorId":"ImApiError90001","parts":[' +
            '{"tags":[' + (($tags[0..9] | ForEach-Object { "`"$_`"" }) -join ',') + '],"outcome":"Done"},' +
            '{"tags":["t10","t11"],"outcome":"Failed","errorId":"ImApiError90001"}]}'
        Set-Content -Path $path -Value $header, $intent, $outcome

        $record = Get-ImRunJournal $path | Where-Object { $_ -is [TencentImAttr.Models.RunJournalRecord] }
        $record.Outcome | Should -Be 'PartlyApplied'
        $record.Parts.Count | Should -Be 2
        $record.Parts[0].Outcome | Should -Be 'Done'
        $record.Parts[0].Tags | Should -Be $tags[0..9]
        $record.Parts[1].Outcome | Should -Be 'Failed'
        $record.Parts[1].ErrorId | Should -Be 'ImApiError90001'
        $record.Parts[1].Tags | Should -Be @('t10', 't11')
        ($record | Format-List | Out-String) | Should -Match 'Parts\s+: Done: t0, t1, .*t9; Failed: t10, t11'
    }

    It 'reads a journal without parts (written before them) as before' {
        $path = Join-Path $TestDrive 'v1.jsonl'
        Set-Content -Path $path -Value $header, '{"type":"intent","call":1,"pos":[0],"user":"bob","addTags":["x"],"priorTags":[]}', '{"type":"outcome","call":1,"pos":[0],"user":"bob","outcome":"Done"}'
        $record = Get-ImRunJournal $path | Where-Object { $_ -is [TencentImAttr.Models.RunJournalRecord] }
        $record.Outcome | Should -Be 'Done'
        $record.Parts | Should -BeNullOrEmpty
    }
}
