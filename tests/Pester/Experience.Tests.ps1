#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Issue 15, what PowerShell owns: exports that round-trip through CSV and JSON, tables read like hashtables, help
# that shows the real defaults and links online, the hidden test seam, Connect-ImApp -NoDefault, completion, packaging.
# Against the emulator's rules in process (tests/TencentImAttr.Testing's InProcessEmulator), installed through ModuleTestSeam (reset in AfterAll: the
# seam holds for the process, and the next suite may talk to the emulator). Run after `dotnet build TencentImAttr.sln`.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1') -Force
    Add-Type -Path (Join-Path $root 'out/TencentImAttr.Testing/TencentImAttr.Testing.dll')

    # A fresh emulated app with these registered names, made the session's connection; returns its handler's service.
    function Connect-FakeApp {
        param(
            [string[]] $Names = @('city', 'tier', 'sex'),
            [TencentImAttr.Testing.InProcessEmulator] $Service = [TencentImAttr.Testing.InProcessEmulator]::new()
        )
        # The emulator refuses names that are not registered (90033), as the service does.
        $Service.Register($Names)
        $handler = $Service.CreateHandler()
        [TencentImAttr.Testing.ModuleTestSeam]::Use($handler)
        try {
            Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -UserSig 'stub-usersig' -BaseUri 'https://im.example.test/' -SkipCheck -MaxRetry 0
        }
        finally {
            [TencentImAttr.Testing.ModuleTestSeam]::Reset()
        }
        [pscustomobject]@{ Service = $Service; Handler = $handler }
    }

    # Every user's attributes in the store, as name=value lines, for exact comparison.
    function Get-StoreText([TencentImAttr.Testing.InProcessEmulator] $Service, [string[]] $Users) {
        foreach ($user in $Users) {
            $attributes = $Service.AttributesOf($user)
            $pairs = if ($attributes) { $attributes.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Key)=$($_.Value)" } }
            "$user`: $($pairs -join '; ')"
        }
    }

    $script:users = 'alice', 'bob', 'dan'
    function Initialize-Seeded([TencentImAttr.Testing.InProcessEmulator] $Service) {
        $Service.Seed('alice', @{ city = 'Shenzhen'; tier = 'gold'; sex = 'F' })
        $Service.Seed('bob', @{ city = 'São Paulo, "centro"' })
        $Service.Seed('dan', @{ tier = 'silver'; sex = 'M' })
    }
}

AfterAll {
    [TencentImAttr.Testing.ModuleTestSeam]::Reset()
    Disconnect-ImApp
    Remove-Module TencentImAttr -Force -ErrorAction SilentlyContinue
}

Describe 'Exports that round-trip' {
    BeforeEach {
        $source = Connect-FakeApp
        Initialize-Seeded $source.Service
        $expected = Get-StoreText $source.Service $users
    }

    It 'writes flat rows with -AsRow: UserId, then one column per registered name, empty where not set' {
        $rows = @(Get-ImUserAttribute -UserId $users -AsRow)
        $rows.Count | Should -Be 3
        $rows[0].PSObject.Properties.Name | Should -Be @('UserId', 'city', 'tier', 'sex')
        $rows[1].city | Should -Be 'São Paulo, "centro"'
        $rows[1].tier | Should -BeNullOrEmpty
        @($source.Handler.Requests | Where-Object Api -EQ 'im_get_attr_name').Count | Should -Be 1 -Because 'the names are read once per command'
    }

    It 'restores exactly the exported values through Export-Csv and Import-Csv' {
        $csv = Join-Path $TestDrive 'attributes.csv'
        Get-ImUserAttribute -UserId $users -AsRow | Export-Csv $csv -NoTypeInformation

        $target = Connect-FakeApp
        Import-Csv $csv | Set-ImUserAttribute

        Get-StoreText $target.Service $users | Should -Be $expected
    }

    It 'restores exactly the exported values through ConvertTo-Json and ConvertFrom-Json -AsHashtable -DateKind String (the README''s recipe)' {
        $json = Join-Path $TestDrive 'attributes.json'
        Get-ImUserAttribute -UserId $users | ConvertTo-Json | Set-Content $json -Encoding utf8

        $target = Connect-FakeApp
        Get-Content $json -Raw | ConvertFrom-Json -AsHashtable -DateKind String | Set-ImUserAttribute

        Get-StoreText $target.Service $users | Should -Be $expected
    }

    It 'restores rows through JSON too' {
        $json = Get-ImUserAttribute -UserId $users -AsRow | ConvertTo-Json

        $target = Connect-FakeApp
        ($json | ConvertFrom-Json) | Set-ImUserAttribute

        Get-StoreText $target.Service $users | Should -Be $expected
    }

    It 'restores a backup that holds a user without attributes cleanly: that row sets nothing and sends nothing' {
        $csv = Join-Path $TestDrive 'with-empty.csv'
        Get-ImUserAttribute -UserId 'alice', 'nobody' -AsRow | Export-Csv $csv -NoTypeInformation

        $target = Connect-FakeApp
        $done = Import-Csv $csv | Set-ImUserAttribute -PassThru -ErrorVariable errs

        $errs.Count | Should -Be 0
        $done.UserId | Should -Be @('alice', 'nobody')
        $done[1].Attributes.Count | Should -Be 0
        $target.Service.AttributesOf('alice')['city'] | Should -Be 'Shenzhen'
        $target.Service.AttributesOf('nobody') | Should -BeNullOrEmpty
        $sent = @($target.Handler.Requests | Where-Object Api -EQ 'im_set_attr' | ForEach-Object { ($_.Body | ConvertFrom-Json).UserAttrs.To_Account })
        $sent | Should -Be @('alice')
    }

    It 'still reports a row that names a user and no attribute at all' {
        Connect-FakeApp | Out-Null
        [pscustomobject]@{ UserId = 'alice' } | Set-ImUserAttribute -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AttributeSetEmpty,*'
    }

    It 'tells how to export when the Attributes column holds a type name (Export-Csv of Get''s objects)' {
        $csv = Join-Path $TestDrive 'typename.csv'
        Get-ImUserAttribute -UserId alice | Export-Csv $csv -NoTypeInformation
        (Import-Csv $csv).Attributes | Should -BeLike 'System.Collections.Generic.Dictionary*'

        $target = Connect-FakeApp
        Import-Csv $csv | Set-ImUserAttribute -ErrorVariable errs -ErrorAction SilentlyContinue

        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'AttributeTableAsText,TencentImAttr.Cmdlets.SetImUserAttributeCommand'
        $errs[0].TargetObject | Should -Be 'alice'
        $errs[0].Exception.Message | Should -BeLike '*Get-ImUserAttribute -AsRow | Export-Csv*'
        $errs[0].Exception.Message | Should -Not -BeLike '*bytes*'
        $target.Handler.Requests.Count | Should -Be 0
    }

    It 'refuses -AsRow when the app holds names that differ only in case' {
        Connect-FakeApp -Names 'city', 'City' | Out-Null
        { Get-ImUserAttribute alice -AsRow -ErrorAction Stop } | Should -Throw -ErrorId 'AsRowNamesNotColumns,TencentImAttr.Cmdlets.GetImUserAttributeCommand'
    }
}

Describe 'Attributes read like a hashtable' {
    It 'finds city as City, and sends the exact case back' {
        $app = Connect-FakeApp
        $app.Service.Seed('alice', @{ city = 'Shenzhen' })

        $user = Get-ImUserAttribute alice
        $user.Attributes.City | Should -Be 'Shenzhen'
        $user.Attributes['CITY'] | Should -Be 'Shenzhen'

        $user | Set-ImUserAttribute
        $set = @($app.Handler.Requests | Where-Object Api -EQ 'im_set_attr')
        ($set[0].Body | ConvertFrom-Json).UserAttrs[0].Attrs.PSObject.Properties.Name | Should -BeExactly @('city')
    }

    It 'needs the exact case when the app holds names that differ only in case' {
        $app = Connect-FakeApp -Names 'city', 'City'
        $app.Service.Seed('alice', @{ city = 'Shenzhen' })
        Get-ImAppAttributeName | Out-Null

        $user = Get-ImUserAttribute alice
        $user.Attributes.ContainsKey('City') | Should -BeFalse
        $user.Attributes['City'] | Should -BeNullOrEmpty
        $user.Attributes.city | Should -Be 'Shenzhen'
    }
}

Describe 'Help that is right' {
    It 'shows the real default of every parameter that has one, for every cmdlet' {
        $checked = foreach ($command in Get-Command -Module TencentImAttr) {
            $instance = $command.ImplementingType::new()
            foreach ($property in $instance.PSObject.Properties) {
                if ($property.Name -notin $command.Parameters.Keys) { continue }
                $value = $property.Value
                if ($null -eq $value -or $value -is [switch] -or ($value -is [ValueType] -and $value -eq [Activator]::CreateInstance($value.GetType()))) { continue }
                $shown = (Get-Help $command.Name -Parameter $property.Name).defaultValue
                # A bulk cmdlet's -1 means "the connection's", which its help says in words.
                if ($value -is [int] -and $value -lt 0) { $shown | Should -BeLike "the connection's*"; continue }
                $shown | Should -Be "$value" -Because "$($command.Name) -$($property.Name) defaults to $value"
                "$($command.Name) -$($property.Name)"
            }
        }
        $checked | Should -Contain 'Connect-ImApp -CallsPerSecond'
        $checked | Should -Contain 'Connect-ImApp -UserSigLifetime'
        (Get-Help Connect-ImApp -Parameter CallsPerSecond).defaultValue | Should -Be '100'
        (Get-Help Connect-ImApp -Parameter ThrottleLimit).defaultValue | Should -Be '64'
        (Get-Help Connect-ImApp -Parameter MaxRetry).defaultValue | Should -Be '5'
        (Get-Help Connect-ImApp -Parameter TimeoutSec).defaultValue | Should -Be '30'
        (Get-Help Connect-ImApp -Parameter Region).defaultValue | Should -Be 'China'
    }

    It 'says that the bulk cmdlets take the connection''s ThrottleLimit and MaxRetry by default' {
        foreach ($name in 'Set-ImUserAttribute', 'Get-ImUserAttribute', 'Remove-ImUserAttribute') {
            (Get-Help $name -Parameter ThrottleLimit).defaultValue | Should -BeLike "the connection's*"
            (Get-Help $name -Parameter MaxRetry).defaultValue | Should -BeLike "the connection's*"
        }
    }

    It 'says that -Attribute is required with -UserId' {
        $text = (Get-Help Set-ImUserAttribute -Parameter Attribute).description.Text -join ' '
        $text | Should -BeLike '*Required in the parameter set ByUserId; optional in ByInputObject.*'
        $syntax = (Get-Command Set-ImUserAttribute).ParameterSets | Where-Object Name -EQ 'ByUserId'
        ($syntax.Parameters | Where-Object Name -EQ 'Attribute').IsMandatory | Should -BeTrue
    }

    It 'points -Online at the cmdlet''s page under the project''s documentation' {
        foreach ($command in Get-Command -Module TencentImAttr) {
            $command.HelpUri | Should -Be "https://github.com/tencentimattr/TencentImAttr/blob/main/docs/cmdlets/$($command.Name).md"
            $online = @((Get-Help $command.Name).relatedLinks.navigationLink)[0]
            $online.linkText | Should -Be 'Online Version:'
            $online.uri | Should -Be $command.HelpUri
            Test-Path (Join-Path $root "docs/cmdlets/$($command.Name).md") | Should -BeTrue
        }
    }

    It 'has an about_TencentImAttr topic' {
        $about = Get-Help about_TencentImAttr | Out-String
        $about | Should -BeLike '*about_TencentImAttr*'
        $about | Should -BeLike '*TENCENTIM_SDKAPPID*'
        $about | Should -BeLike '*RUNSPACES*'
        $about | Should -BeLike '*AttributeTableAsText*'
    }

    It 'keeps the test seam out of the syntax, the parameters and tab completion' {
        Get-Command Connect-ImApp -Syntax | Out-String | Should -Not -BeLike '*Handler*'
        (Get-Command Connect-ImApp).Parameters.Keys | Should -Not -Contain 'HttpMessageHandler'
        $line = 'Connect-ImApp -Http'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Should -BeNullOrEmpty
    }
}

Describe 'Small surprises' {
    It 'refuses -NoDefault without -PassThru, and keeps the session''s connection' {
        Connect-FakeApp | Out-Null
        $before = Get-ImConnection
        { Connect-ImApp -SdkAppId 1400000001 -Identifier administrator -UserSig 'sig' -NoDefault -ErrorAction Stop } |
            Should -Throw -ErrorId 'NoDefaultWithoutPassThru,TencentImAttr.Cmdlets.ConnectImAppCommand'
        (Get-ImConnection).SdkAppId | Should -Be $before.SdkAppId
        $other = Connect-ImApp -SdkAppId 1400000001 -Identifier administrator -UserSig 'sig' -NoDefault -PassThru -SkipCheck
        $other.SdkAppId | Should -Be 1400000001
    }

    It 'completes nothing, and returns, when the service does not answer' {
        $stalled = [TencentImAttr.Testing.StubHttpHandler]::new()
        $stalled.Enqueue([TencentImAttr.Testing.StubResponse]::Stalled()) | Out-Null
        [TencentImAttr.Testing.ModuleTestSeam]::Use($stalled)
        Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -UserSig 'stub-usersig' -BaseUri 'https://im.example.test/' -SkipCheck -MaxRetry 0
        [TencentImAttr.Testing.ModuleTestSeam]::Reset()
        $line = 'Remove-ImUserAttribute -UserId alice -Name c'
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Should -BeNullOrEmpty
        Write-Host "    completion gave up after $($watch.ElapsedMilliseconds) ms"
        $stalled.Requests.Count | Should -Be 1
    }

    It 'completes the new names after Set-ImAppAttributeName, and the new connection''s after Connect-ImApp' {
        $line = 'Remove-ImUserAttribute -UserId alice -Name '
        Connect-FakeApp -Names 'city', 'tier' | Out-Null
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('city', 'tier')

        Set-ImAppAttributeName -Name 'city', 'tier', 'region' -Force
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('city', 'tier', 'region')

        Connect-FakeApp -Names 'sex' | Out-Null
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('sex')
    }
}

Describe 'Packaging' {
    It 'passes tools/Test-ModulePackage.ps1 as built' {
        $result = & (Join-Path $root 'tools/Test-ModulePackage.ps1') -Path (Join-Path $root 'out/TencentImAttr')
        $result.Cmdlets | Should -Be 15   # 8 attribute and connection cmdlets, 4 tag cmdlets, Get-ImLastRun, 2 run-journal cmdlets
    }

    It 'names every problem of a broken package' {
        $copy = Join-Path $TestDrive 'TencentImAttr'
        Copy-Item (Join-Path $root 'out/TencentImAttr') $copy -Recurse
        Remove-Item (Join-Path $copy 'en-US/about_TencentImAttr.help.txt')
        $manifest = Join-Path $copy 'TencentImAttr.psd1'
        (Get-Content $manifest -Raw).Replace("'PSCommand_Get-ImUserAttribute', ", '') | Set-Content $manifest

        $thrown = { & (Join-Path $root 'tools/Test-ModulePackage.ps1') -Path $copy } | Should -Throw -PassThru
        $thrown.Exception.Message | Should -BeLike '*PSCommand_Get-ImUserAttribute is missing*'
        $thrown.Exception.Message | Should -BeLike '*about_TencentImAttr.help.txt is missing*'
    }

    It 'finds the module by command through its Gallery tags' {
        $tags = (Import-PowerShellDataFile (Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1')).PrivateData.PSData.Tags
        foreach ($name in (Get-Command -Module TencentImAttr).Name) {
            $tags | Should -Contain "PSCommand_$name"
            $tags | Should -Contain "PSCmdlet_$name"
        }
    }
}
