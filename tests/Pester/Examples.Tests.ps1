#Requires -Version 7.2
# Examples that run as written (issue 24): the tag copy between apps with users that have no tags, and the README's
# ForEach-Object -Parallel example after the README's own Import-Module ./out/..., in a child pwsh as a newcomer runs it.

BeforeAll {
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1') -Force
    Import-Module (Join-Path $root 'tools/TencentImAttr.Dev.psm1') -Force
    $script:prod = Start-TestEmulator
    $script:test = Start-TestEmulator
    $script:prodConnection = Connect-TestEmulator -Emulator $prod -Parameters @{ PassThru = $true; NoDefault = $true }
    $script:testConnection = Connect-TestEmulator -Emulator $test -Parameters @{ PassThru = $true; NoDefault = $true }
}

AfterAll {
    if ($script:prod) { Stop-TestEmulator $prod }
    if ($script:test) { Stop-TestEmulator $test }
}

Describe 'The tag copy between apps' {
    It 'copies the tagged users and does the untagged ones quietly, without a call' {
        Add-ImUserTag -UserId copy1, copy3 -Tag gold, beta -Connection $prodConnection
        $read = Get-ImUserTag -UserId copy1, copy2, copy3 -Connection $prodConnection
        @($read[1].Tags).Count | Should -Be 0   # copy2 has no tags: an empty list
        $copied = $read | Add-ImUserTag -Connection $testConnection -PassThru -ErrorVariable failed -InformationVariable info
        $failed | Should -BeNullOrEmpty
        $copied.UserId | Should -Be @('copy1', 'copy2', 'copy3')
        $summary = $info | Where-Object Tags -Contains 'Summary' | Select-Object -Last 1
        $summary.MessageData.Done | Should -Be 3
        $summary.MessageData.WriteCalls | Should -Be 1   # one call, for the two tagged users
        (Get-ImUserTag copy3 -Connection $testConnection).Tags | Should -Be @('gold', 'beta')
        @((Get-ImUserTag copy2 -Connection $testConnection).Tags).Count | Should -Be 0
    }

    It 'removes nothing for an untagged user, quietly' {
        Get-ImUserTag -UserId copy2 -Connection $prodConnection | Remove-ImUserTag -Connection $testConnection -Confirm:$false -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
    }

    It 'still reports -Tag given empty, and an object with no Tags or Tag property, as TagListEmpty' {
        $null = Add-ImUserTag -UserId copy4 -Tag @() -Connection $testConnection -ErrorVariable e1 -ErrorAction SilentlyContinue
        $null = @{ UserId = 'copy5' } | Add-ImUserTag -Connection $testConnection -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'TagListEmpty,*'
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'TagListEmpty,*'
    }
}

Describe 'The README''s ForEach-Object -Parallel example' {
    It 'runs as written after the README''s own Import-Module ./out/...' {
        $readme = Get-Content (Join-Path $root 'README.md') -Raw
        $blocks = [regex]::Matches($readme, '(?ms)^```powershell\r?\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value }
        $example = @($blocks | Where-Object { $_ -match 'ForEach-Object -Parallel' })
        $example.Count | Should -Be 1
        $work = Join-Path ([System.IO.Path]::GetTempPath()) ("parallel-{0}" -f [guid]::NewGuid())
        $null = New-Item -ItemType Directory -Path $work
        Set-Content -Path (Join-Path $work 'ids.txt') -Value 'par1', 'par2', 'par3'
        Set-ImAppAttributeName -Name city -Force -Connection $prodConnection
        Set-ImUserAttribute -UserId par2 -Attribute @{ city = 'Lyon' } -Connection $prodConnection
        # The README's connect names the real app; here the same app id and administrator are the emulator's, reached
        # through a default -BaseUri, and $key is the emulator's key.
        $script = @"
Set-Location '$root'
Import-Module ./out/TencentImAttr/TencentImAttr.psd1
Set-Location '$work'
`$key = ConvertTo-SecureString `$env:TEST_KEY -AsPlainText -Force
`$PSDefaultParameterValues['Connect-ImApp:BaseUri'] = `$env:TEST_BASEURI
$($example[0])
"@
        $file = Join-Path $work 'example.ps1'
        Set-Content -Path $file -Value $script
        try {
            $startInfo = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
            $pwshDll = Join-Path $PSHOME 'pwsh.dll'
            if (Test-Path $pwshDll) { $startInfo.ArgumentList.Add($pwshDll) } else { $startInfo.FileName = Join-Path $PSHOME 'pwsh' }
            foreach ($arg in '-NoProfile', '-NonInteractive', '-File', $file) { $startInfo.ArgumentList.Add($arg) }
            $startInfo.Environment['TEST_KEY'] = [System.Net.NetworkCredential]::new('', $prod.SecretKey).Password
            $startInfo.Environment['TEST_BASEURI'] = $prod.BaseUri
            $startInfo.RedirectStandardOutput = $true
            $startInfo.RedirectStandardError = $true
            $startInfo.RedirectStandardInput = $true
            $process = [System.Diagnostics.Process]::Start($startInfo)
            $process.StandardInput.Close()
            $stdout = $process.StandardOutput.ReadToEndAsync()
            $stderr = $process.StandardError.ReadToEndAsync()
            $process.WaitForExit()
            $stderr.Result | Should -BeNullOrEmpty
            $process.ExitCode | Should -Be 0
            $lines = ($stdout.Result -replace '\x1b\[[0-9;]*m', '') -split "`r?`n"
            @($lines | Where-Object { $_ -match '^par[123]\s' }).Count | Should -Be 3
            @($lines | Where-Object { $_ -match '^par2\s.*Lyon' }).Count | Should -Be 1
        }
        finally {
            Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

Describe 'The manifest' {
    It 'says in its Description and ReleaseNotes that the module does tags and the Push family' {
        $manifest = Import-PowerShellDataFile (Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1')
        foreach ($text in $manifest.Description, $manifest.PrivateData.PSData.ReleaseNotes) {
            $text | Should -Match 'tags'
            $text | Should -Match 'Push'
        }
    }
}

Describe 'Get-ImConnection''s table' {
    It 'fits 80 columns, the endpoint of an emulator and the longest family name included' {
        $c = Connect-TestEmulator -Emulator $prod -Parameters @{ PassThru = $true; NoDefault = $true; Service = 'AllMemberPush' }
        $lines = ($c | Format-Table | Out-String -Width 200) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines.Count | Should -Be 3
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        $lines[0] | Should -Match 'SdkAppId\s+Identifier\s+Endpoint\s+Service\s+UserSigExpiresAt'
        $lines[2] | Should -Match 'AllMemberPush'
    }

    It 'Get-ImLastRun''s table fits 80 columns too, the longest cmdlet name included' {
        Remove-ImUserAttribute -UserId wide1 -Name city -Connection $prodConnection -Confirm:$false -ErrorAction SilentlyContinue
        $lines = (Get-ImLastRun | Format-Table | Out-String -Width 200) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines.Count | Should -Be 3
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        $lines[2] | Should -Match '^Remove-ImUserAttribute\s+1\s+'
    }
}

Describe 'ErrorDetails.RecommendedAction' {
    It 'carries what to do, the sentence the message ends with (a wrong key; a stop under -ErrorAction Stop)' {
        $wrong = Connect-ImApp -SdkAppId $prod.SdkAppId -Identifier $prod.Identifier -SecretKey (ConvertTo-SecureString 'not-the-key' -AsPlainText -Force) `
            -BaseUri $prod.BaseUri -SkipCheck -PassThru -NoDefault -MaxRetry 0
        $err = $null
        try { Get-ImUserAttribute -UserId alice -Connection $wrong } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        $err.Exception.Message.Contains($err.ErrorDetails.RecommendedAction) | Should -BeTrue

        $stop = $null
        try { Set-ImUserAttribute -UserId ok1, ('x' * 40) -Attribute @{ city = 'Lyon' } -Connection $prodConnection -ErrorAction Stop } catch { $stop = $_ }
        $stop.ErrorDetails.RecommendedAction | Should -BeLike 'Fix the input, then resume after the stop: *'
    }
}

Describe '-Tag completion' {
    It 'offers the tags this session has already seen on the connection, and nothing before' {
        # The session's connection (a new one: nothing seen on it yet).
        $fresh = Connect-TestEmulator -Emulator $test -Parameters @{ PassThru = $true }
        try {
            $line = 'Add-ImUserTag -UserId someone -Tag '
            $before = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            @($before.CompletionMatches).Count | Should -Be 0
            Add-ImUserTag -UserId seen1 -Tag 'gold', 'green tea'
            $null = Get-ImUserTag -UserId seen1
            $all = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            $all.CompletionMatches.CompletionText | Should -Be @('gold', "'green tea'")
            $line = 'Remove-ImUserTag -UserId someone -Tag gr'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @("'green tea'")
        }
        finally { Disconnect-ImApp }
    }
}
