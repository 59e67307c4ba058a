#Requires -Version 7.2
# Pester 5: Add-, Get-, Remove- and Clear-ImUserTag, the built module against two emulators (two apps), through the
# cmdlets only: pipeline input, the CSV shape, copying between apps, validation errors, -Replace per family,
# ShouldProcess, parts of a long list, and the view.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1') -Force
    Import-Module (Join-Path $root 'tools/TencentImAttr.Dev.psm1') -Force
    $script:prod = Start-TestEmulator -SdkAppId 1400000000
    $script:test = Start-TestEmulator -SdkAppId 1400000001
    $script:prodConnection = Connect-TestEmulator -Emulator $prod -Parameters @{ PassThru = $true; NoDefault = $true }
    $script:testConnection = Connect-TestEmulator -Emulator $test -Parameters @{ PassThru = $true; NoDefault = $true }
    $script:pushConnection = Connect-TestEmulator -Emulator $prod -Parameters @{ PassThru = $true; NoDefault = $true; Service = 'Push' }
}

AfterAll {
    foreach ($app in $script:prod, $script:test) { if ($app) { Stop-TestEmulator -Emulator $app } }
}

Describe 'User tags' {
    It 'adds and reads back; a user without tags yields an empty list, in input order' {
        $added = Add-ImUserTag -UserId t1, t2 -Tag vip, beta -PassThru -Connection $prodConnection
        $added.Count | Should -Be 2
        $added[0] | Should -BeOfType TencentImAttr.Models.UserTags
        $added[0].Tags | Should -Be @('vip', 'beta')

        $got = 't2', 'nobody', 't1' | Get-ImUserTag -Connection $prodConnection
        $got.UserId | Should -Be @('t2', 'nobody', 't1')
        $got[0].Tags | Should -Be @('vip', 'beta')
        $got[1].Tags.Count | Should -Be 0
    }

    It "pipes Get's output into Add on another app: the one-line copy" {
        Add-ImUserTag -UserId c1, c2 -Tag gold, beta -Connection $prodConnection
        Get-ImUserTag -UserId c1, c2 -Connection $prodConnection | Add-ImUserTag -Connection $testConnection
        (Get-ImUserTag c2 -Connection $testConnection).Tags | Should -Be @('gold', 'beta')
    }

    It "pipes Get's output into Remove, and Clear leaves no tag" {
        Add-ImUserTag -UserId r1 -Tag a, b, c -Connection $prodConnection
        Add-ImUserTag -UserId r1 -Tag a, b -Connection $testConnection
        Get-ImUserTag r1 -Connection $testConnection | Remove-ImUserTag -Force -Connection $prodConnection
        (Get-ImUserTag r1 -Connection $prodConnection).Tags | Should -Be @('c')
        $cleared = Clear-ImUserTag r1 -Force -PassThru -Connection $prodConnection
        $cleared.Tags.Count | Should -Be 0
        (Get-ImUserTag r1 -Connection $prodConnection).Tags.Count | Should -Be 0
    }

    It 'reads CSV rows of one tag each; rows of one user add up; a tag is never split' {
        $csv = Join-Path $TestDrive 'tags.csv'
        Set-Content $csv -Value 'UserId,Tag', 'csv1,vip', 'csv1,"a;b, c"', 'csv2,beta'
        Import-Csv $csv | Add-ImUserTag -Connection $prodConnection
        (Get-ImUserTag csv1 -Connection $prodConnection).Tags | Should -Be @('vip', 'a;b, c')
        (Get-ImUserTag csv2 -Connection $prodConnection).Tags | Should -Be @('beta')
    }

    It 'sends a long list in parts (the emulator refuses more than 10 tags a user in one add)' {
        $tags = 1..25 | ForEach-Object { "p$_" }
        Add-ImUserTag -UserId long1 -Tag $tags -Connection $prodConnection -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } |
            Where-Object Message -Match 'im_add_tag: 1 user\(s\), attempt 1' | Should -HaveCount 3
        (Get-ImUserTag long1 -Connection $prodConnection).Tags | Should -Be $tags
    }

    It 'reports each bad input as its own error naming the user; the others still go' {
        $tooMany = 0..100 | ForEach-Object { "x$_" }
        $null = Add-ImUserTag -UserId v1 -Tag '' -Connection $prodConnection -ErrorVariable e1 -ErrorAction SilentlyContinue
        $null = Add-ImUserTag -UserId v2 -Tag $tooMany -Connection $prodConnection -ErrorVariable e2 -ErrorAction SilentlyContinue
        $null = Add-ImUserTag -UserId v3 -Tag ('x' * 51) -Connection $prodConnection -ErrorVariable e3 -ErrorAction SilentlyContinue
        $null = @{ UserId = 'v4' }, @{ UserId = 'v5'; Tags = @('ok') } | Add-ImUserTag -Connection $prodConnection -ErrorVariable e4 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'TagEmpty,*'
        $e1[0].TargetObject | Should -Be 'v1'
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'TooManyTags,*'
        $e3[0].FullyQualifiedErrorId | Should -BeLike 'TagTooLong,*'
        $e4.Count | Should -Be 1
        $e4[0].FullyQualifiedErrorId | Should -BeLike 'TagListEmpty,*'
        (Get-ImUserTag v5 -Connection $prodConnection).Tags | Should -Be @('ok')
    }

    It '-Replace is an error that says why on all_member_push, and replaces on the Push service' {
        { Add-ImUserTag -UserId rp -Tag a -Replace -Connection $prodConnection -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReplaceNeedsPushService,TencentImAttr.Cmdlets.AddImUserTagCommand' -ExpectedMessage '*no Replace*'
        Add-ImUserTag -UserId rp -Tag a, b -Connection $pushConnection
        Add-ImUserTag -UserId rp -Tag c -Replace -Force -Connection $pushConnection
        (Get-ImUserTag rp -Connection $pushConnection).Tags | Should -Be @('c')
    }

    It 'declares Remove and Clear at ConfirmImpact High and Add at Medium; -WhatIf sends nothing' {
        foreach ($pair in @{ Name = 'Add-ImUserTag'; Impact = 'Medium' }, @{ Name = 'Remove-ImUserTag'; Impact = 'High' }, @{ Name = 'Clear-ImUserTag'; Impact = 'High' }) {
            $type = (Get-Command $pair.Name).ImplementingType
            $type.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be $pair.Impact
        }
        Add-ImUserTag -UserId w1 -Tag keep -Connection $prodConnection
        Clear-ImUserTag w1 -WhatIf -Force -Connection $prodConnection
        Remove-ImUserTag w1 keep -WhatIf -Connection $prodConnection
        (Get-ImUserTag w1 -Connection $prodConnection).Tags | Should -Be @('keep')
    }

    It 'shows the tags on one line, escaped, in the table view' {
        Add-ImUserTag -UserId f1 -Tag 'plain', 'with, comma' -Connection $prodConnection
        $text = Get-ImUserTag f1 -Connection $prodConnection | Format-Table | Out-String
        $text | Should -Match "f1\s+plain, 'with, comma'"
    }

    It 'binds -UserId by position and -Tag second, and completes -Tag only from tags seen (no call: Examples.Tests.ps1)' {
        Add-ImUserTag pos1 t -Connection $prodConnection
        (Get-ImUserTag pos1 -Connection $prodConnection).Tags | Should -Be @('t')
        ((Get-Command Add-ImUserTag).Parameters['Tag'].Attributes | Where-Object { $_ -is [ArgumentCompleter] }).Type | Should -Be ([TencentImAttr.TagCompleter])
    }
}
