#Requires -Version 7.2
# Every ```powershell block of README.md and docs/*.md runs, as written, against the local emulator (issue 24): a
# documented command that does not work is a bug. The blocks of one page run in order, in one runspace of their own,
# so a block may use what an earlier one made ($c, a connection, a file), as the reader would.
# A block that cannot run here (it needs a real Tencent account, a vault, or a person at a console) is fenced
# ```pwsh instead: shown the same, not run. No other PowerShell fence is allowed, so a block is never skipped by a typo.
# What stands in for the person and the world, as in HelpExamples.Tests.ps1:
# - the network: Connect-ImApp's test seam routes every call to an emulator chosen by the call's sdkappid (app
#   1400000000 and app 1400000001 each have one), so -Region, the default region and the quick start's
#   http://127.0.0.1:5080/ all reach them; app 1400000000's emulator signs with the emulator's sample key, as the
#   quick start says;
# - the apps: each page starts with the names city, tier, sex and level registered, and alice and bob holding
#   attributes and tags (a page's blocks then change them in order);
# - the session: connected to app 1400000000 when each block starts, as the reader would be (a block that connects
#   replaces it; one that disconnects is followed by a connected one);
# - the person: Read-Host and Get-Credential answer with the key, confirmation prompts are answered "yes";
# - the files (users.csv, hr.csv, ids.txt, leavers.txt, leavers.csv, tags.csv, big.csv) exist in the current folder,
#   which also links out/ so that `Import-Module ./out/TencentImAttr/TencentImAttr.psd1` works as written; the
#   variables the blocks use ($key, $stagingKey, $other, $otherApp, $test, $rows, $ids, $sig) hold working values.
# A block fails on any error, terminating or not.

BeforeDiscovery {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $pages = @(Get-Item (Join-Path $root 'README.md')) + @(Get-ChildItem (Join-Path $root 'docs') -Filter '*.md' | Sort-Object Name)
    $blocks = foreach ($page in $pages) {
        $text = (Get-Content $page.FullName -Raw) -replace "`r`n", "`n"
        $index = 0
        foreach ($m in [regex]::Matches($text, '(?m)^```powershell\n(.*?)^```', 'Singleline')) {
            $index++
            $line = ($text.Substring(0, $m.Index) -split "`n").Count
            @{ Page = $page.Name; Index = $index; Line = $line; Code = $m.Groups[1].Value }
        }
    }
    $fences = foreach ($page in $pages) {
        foreach ($m in [regex]::Matches((Get-Content $page.FullName -Raw), '(?m)^```\s*(\S+)')) {
            @{ Page = $page.Name; Fence = $m.Groups[1].Value }
        }
    }
}

BeforeAll {
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:modulePath = Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1'
    Import-Module $modulePath -Force
    Add-Type -Path (Join-Path $root 'out/TencentImAttr.Testing/TencentImAttr.Testing.dll')
    Import-Module (Join-Path $root 'tools/TencentImAttr.Dev.psm1') -Force
    $script:sampleKey = ConvertTo-SecureString 'emulator-sample-key-0123456789abcdef' -AsPlainText -Force
    $script:prodApp = Start-TestEmulator -SdkAppId 1400000000 -ArgumentList '--key', 'emulator-sample-key-0123456789abcdef'
    $prodApp.SecretKey = $sampleKey
    $script:testApp = Start-TestEmulator -SdkAppId 1400000001
    $script:network = [TencentImAttr.Testing.RedirectingHandler]::new().Route($prodApp.SdkAppId, $prodApp.BaseUri).Route($testApp.SdkAppId, $testApp.BaseUri)
    [TencentImAttr.Testing.ModuleTestSeam]::Use($network)
    # Each page starts from the same apps: four registered names, and two users with attributes and tags.
    function Reset-Apps {
        foreach ($app in $prodApp, $testApp) {
            $connection = Connect-TestEmulator -Emulator $app -Parameters @{ PassThru = $true; NoDefault = $true }
            Set-ImAppAttributeName -Name city, tier, sex, level -Force -Connection $connection
            Set-ImUserAttribute -UserId alice, bob -Attribute @{ city = 'Shenzhen'; tier = 'gold' } -Connection $connection
            Add-ImUserTag -UserId alice, bob -Tag vip, beta -Connection $connection
        }
    }
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ("docblocks-{0}" -f [guid]::NewGuid())
    $null = New-Item -ItemType Directory -Path $work
    $null = New-Item -ItemType SymbolicLink -Path (Join-Path $work 'out') -Target (Join-Path $root 'out')
    Set-Content -Path (Join-Path $work 'users.csv') -Value "UserId,city,tier`nalice,Shenzhen,gold`nbob,Beijing,"
    Set-Content -Path (Join-Path $work 'hr.csv') -Value "UserId,city,tier,level`nalice,Shenzhen,gold,3`nbob,Beijing,,"
    Set-Content -Path (Join-Path $work 'big.csv') -Value (@('UserId,city') + (1..300 | ForEach-Object { "big$_,Lyon" }))
    Set-Content -Path (Join-Path $work 'ids.txt') -Value 'alice', 'bob', 'carol'
    Set-Content -Path (Join-Path $work 'leavers.txt') -Value 'bob'
    Set-Content -Path (Join-Path $work 'leavers.csv') -Value "UserId`nbob"
    Set-Content -Path (Join-Path $work 'tags.csv') -Value "UserId,Tag`nalice,gold`nalice,early`nbob,gold"

    # One runspace per page: the blocks of a page share it, in order.
    $script:runspaces = @{}
    function Get-PageRunspace([string] $Page) {
        if ($runspaces.ContainsKey($Page)) { return $runspaces[$Page] }
        Reset-Apps
        # A folder per page, with the same files: a page's blocks never meet the files another page's blocks wrote
        # (a journal that exists already is an error, as it should be).
        $pageWork = Join-Path $work ('page-' + ($Page -replace '[^\w.-]', '_'))
        $null = New-Item -ItemType Directory -Path $pageWork
        Get-ChildItem -Path $work -File | Copy-Item -Destination $pageWork
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $pageWork 'out') -Target (Join-Path $root 'out')
        $rs = [runspacefactory]::CreateRunspace()
        $rs.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $rs
        $null = $ps.AddCommand('Import-Module').AddArgument((Join-Path $root 'tools/TencentImAttr.Dev.psm1')).AddStatement()
        $null = $ps.AddScript({
            param($modulePath, $work, $prodApp, $testApp)
            Import-Module $modulePath
            Set-Location $work
            $global:key = $prodApp.SecretKey
            $global:stagingKey = $testApp.SecretKey
            $global:credential = [pscredential]::new('administrator', $key)
            function global:Read-Host { $key }
            function global:Get-Credential { $credential }
            $global:ConfirmPreference = 'None'
            $global:sig = New-TestUserSig -SdkAppId $prodApp.SdkAppId -Identifier administrator -SecretKey $prodApp.SecretKey
            $global:other = $global:otherApp = $global:test = Connect-ImApp -SdkAppId $testApp.SdkAppId -Identifier administrator -SecretKey $testApp.SecretKey -PassThru -NoDefault
            $global:rows = Import-Csv users.csv
            $global:ids = Get-Content ids.txt
            Connect-ImApp -SdkAppId $prodApp.SdkAppId -Identifier administrator -SecretKey $prodApp.SecretKey
        }).AddArgument($modulePath).AddArgument($pageWork).AddArgument($prodApp).AddArgument($testApp)
        $null = $ps.Invoke()
        if ($ps.HadErrors) { throw "The page's runspace did not start: $($ps.Streams.Error -join '; ')" }
        $ps.Dispose()
        $runspaces[$Page] = $rs
        $rs
    }
}

AfterAll {
    [TencentImAttr.Testing.ModuleTestSeam]::Reset()
    foreach ($rs in $runspaces.Values) { $rs.Dispose() }
    foreach ($app in $script:prodApp, $script:testApp) { if ($app) { Stop-TestEmulator -Emulator $app } }
    if ($work) { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'The documentation''s PowerShell fences' {
    It 'finds the README''s blocks and those of the pages (a broken pattern would run none and pass)' -ForEach @(
        @{ InReadme = @($blocks | Where-Object Page -EQ 'README.md').Count; InPages = @($blocks | Where-Object Page -NE 'README.md').Count }) {
        $InReadme | Should -BeGreaterOrEqual 10
        $InPages | Should -BeGreaterOrEqual 5
    }

    It '<Page> uses only ```powershell (run here) and ```pwsh (shown, not run) for PowerShell: <Fence>' -ForEach @($fences | Where-Object { $_.Fence -match '^(?i:ps1?|pwsh|posh|powershell)$' }) {
        $Fence | Should -BeIn @('powershell', 'pwsh') -Because 'a PowerShell block fenced otherwise would be skipped silently'
    }
}

Describe 'The documentation''s ```powershell blocks' {
    It '<Page> block <Index> (line <Line>) runs against the emulator' -ForEach $blocks {
        # The seam holds for the process; a block's Import-Module or Get-Help must not leave it unset.
        [TencentImAttr.Testing.ModuleTestSeam]::Use($network)
        $rs = Get-PageRunspace $Page
        $ps = [powershell]::Create()
        $ps.Runspace = $rs
        # Each block starts connected, as the reader is (a block before it may have run Disconnect-ImApp).
        $null = $ps.AddScript('if (-not (Get-ImConnection)) { Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -SecretKey $key }; $Error.Clear()').AddStatement()
        $null = $ps.AddScript($Code).AddCommand('Out-String')
        $thrown = $null
        try { $output = $ps.Invoke() } catch { $thrown = $_ }
        $errors = @($ps.Streams.Error | ForEach-Object { "$_" })
        $ps.Dispose()
        "$thrown" | Should -BeNullOrEmpty -Because "the block printed:`n$output"
        $errors | Should -BeNullOrEmpty -Because "the block printed:`n$output"
    }
}
