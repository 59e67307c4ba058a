#Requires -Version 7.2
# Every example in the module's help runs, as written, against the local emulator: a help example that does not work
# is a bug. What stands in for the person and the world:
# - the network: Connect-ImApp's test seam routes every call to an emulator chosen by the call's sdkappid (app
#   1400000000 and app 1400000001 each have one), so -Region and the default region work as written;
# - the session: connected to app 1400000000 as the reader would be (examples that connect replace it);
# - the person: Read-Host and Get-Credential answer with the emulator's key, and confirmation prompts are answered
#   "yes" ($ConfirmPreference = 'None'), as an admin at the console would;
# - the files: users.csv, hr.csv, ids.txt, leavers.txt, removals.csv and tags.csv exist in the current folder, with the columns the
#   examples describe; the variables they use ($key, $credential, $secretFromVault, $env:PROD_USERSIG,
#   $env:TEST_USERSIG) hold working values.
# An example fails on any error, terminating or not.

BeforeDiscovery {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1') -Force
    $examples = foreach ($command in Get-Command -Module TencentImAttr | Sort-Object Name) {
        $index = 0
        foreach ($example in (Get-Help $command.Name -Examples).examples.example) {
            $index++
            @{ Command = $command.Name; Index = $index; Title = ($example.title -replace '^-+\s*|\s*-+$', ''); Code = ($example.code -join "`n") }
        }
    }
}

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1') -Force
    Add-Type -Path (Join-Path $root 'out/TencentImAttr.Testing/TencentImAttr.Testing.dll')
    Import-Module (Join-Path $root 'tools/TencentImAttr.Dev.psm1') -Force

    $script:prodApp = Start-TestEmulator -SdkAppId 1400000000
    $script:testApp = Start-TestEmulator -SdkAppId 1400000001
    $script:network = [TencentImAttr.Testing.RedirectingHandler]::new().
        Route($prodApp.SdkAppId, $prodApp.BaseUri).
        Route($testApp.SdkAppId, $testApp.BaseUri)

    # Each app starts every example with registered names and two users that carry attributes and tags.
    function Reset-App($app) {
        $connection = Connect-TestEmulator -Emulator $app -Parameters @{ PassThru = $true; NoDefault = $true }
        Set-ImAppAttributeName -Name city, tier, sex -Force -Connection $connection
        Set-ImUserAttribute -UserId alice, bob -Attribute @{ city = 'Shenzhen'; tier = 'gold' } -Connection $connection
        Add-ImUserTag -UserId alice, bob -Tag vip, beta -Connection $connection
    }
}

AfterAll {
    [TencentImAttr.Testing.ModuleTestSeam]::Reset()
    foreach ($app in $script:prodApp, $script:testApp) { if ($app) { Stop-TestEmulator -Emulator $app } }
}

Describe 'Help examples' {
    BeforeEach {
        Reset-App $prodApp
        Reset-App $testApp
        Disconnect-ImApp
        Set-Content -Path (Join-Path $TestDrive 'users.csv') -Value "UserId,city,tier`nalice,Shenzhen,gold`nbob,Beijing,"
        Set-Content -Path (Join-Path $TestDrive 'hr.csv') -Value "UserId,city,tier`nalice,Shenzhen,gold`nbob,Beijing,"
        Set-Content -Path (Join-Path $TestDrive 'ids.txt') -Value 'alice', 'bob', 'carol'
        Set-Content -Path (Join-Path $TestDrive 'leavers.txt') -Value 'bob'
        Set-Content -Path (Join-Path $TestDrive 'removals.csv') -Value "UserId,Name`nalice,city`nbob,tier"
        Set-Content -Path (Join-Path $TestDrive 'tags.csv') -Value "UserId,Tag`nalice,gold`nalice,early`nbob,gold"
        Push-Location $TestDrive
        [TencentImAttr.Testing.ModuleTestSeam]::Use($network)
        $env:PROD_USERSIG = New-TestUserSig -SdkAppId $prodApp.SdkAppId -Identifier administrator -SecretKey $prodApp.SecretKey
        $env:TEST_USERSIG = New-TestUserSig -SdkAppId $testApp.SdkAppId -Identifier administrator -SecretKey $testApp.SecretKey
        Connect-ImApp -SdkAppId $prodApp.SdkAppId -Identifier administrator -SecretKey $prodApp.SecretKey
    }

    AfterEach {
        Pop-Location
        [TencentImAttr.Testing.ModuleTestSeam]::Reset()
        Disconnect-ImApp
        foreach ($name in 'PROD_USERSIG', 'TEST_USERSIG', 'TENCENTIM_SDKAPPID', 'TENCENTIM_IDENTIFIER', 'TENCENTIM_SECRETKEY') {
            Remove-Item "Env:$name" -ErrorAction SilentlyContinue
        }
    }

    It '<Command> example <Index> runs: <Title>' -ForEach $examples {
        $key = $prodApp.SecretKey
        $credential = [pscredential]::new('administrator', $key)
        $secretFromVault = [System.Net.NetworkCredential]::new('', $key).Password
        function Read-Host { $key }
        function Get-Credential { $credential }
        $ConfirmPreference = 'None'
        $Error.Clear()
        $output = . ([scriptblock]::Create($Code)) | Out-String
        $errors = @($Error)
        $errors | ForEach-Object { "$_" } | Should -BeNullOrEmpty -Because "the example printed:`n$output"
    }
}
