#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The module through its real cmdlets, against the stub HTTP handler of tests/TencentImAttr.Testing (recording, and
# answering from a queue or from the emulator's rules in process: InProcessEmulator)
# (installed through the module's internal test seam with TencentImAttr.Testing's ModuleTestSeam, which holds for
# the process until reset, so each connection resets it as soon as it is made). Run after `dotnet build TencentImAttr.sln`.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1') -Force
    Add-Type -Path (Join-Path $root 'out/TencentImAttr.Testing/TencentImAttr.Testing.dll')

    function Connect-Stub {
        param(
            [switch] $NamesAsRequests,
            [TencentImAttr.Testing.StubHttpHandler] $Handler = [TencentImAttr.Testing.StubHttpHandler]::new(),
            [string] $Service = 'AllMemberPush',
            [switch] $PassThru,
            [switch] $NoDefault
        )
        # Set- and Remove-ImUserAttribute begin with a read of the app's names (issue 22): the stub answers it aside,
        # unless the test is about the names themselves (-NamesAsRequests: the reads are requests like any other).
        if (-not $NamesAsRequests -and $null -eq $Handler.RegisteredNames) { $Handler.RegisteredNames = [string[]]@('city', 'tier', 'level', 'sex', 'n', 'c') }
        [TencentImAttr.Testing.ModuleTestSeam]::Use($Handler)
        try {
            Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -UserSig 'stub-usersig' -BaseUri 'https://im.example.test/' -SkipCheck `
                -Service $Service -MaxRetry 1 -PassThru:$PassThru -NoDefault:$NoDefault
        }
        finally {
            [TencentImAttr.Testing.ModuleTestSeam]::Reset()
        }
    }

    function Get-Body([TencentImAttr.Testing.RecordedRequest] $Request) { $Request.Body | ConvertFrom-Json }
}

AfterAll {
    [TencentImAttr.Testing.ModuleTestSeam]::Reset()
    Disconnect-ImApp
    Remove-Module TencentImAttr -Force -ErrorAction SilentlyContinue
}

Describe 'The module' {
    It 'exports exactly its cmdlets' {
        $names = (Get-Command -Module TencentImAttr).Name | Sort-Object
        $names | Should -Be @('Add-ImUserTag', 'Clear-ImUserTag', 'Connect-ImApp', 'Disconnect-ImApp', 'Get-ImAppAttributeName', 'Get-ImConnection', 'Get-ImLastRun', 'Get-ImRunJournal', 'Get-ImUserAttribute', 'Get-ImUserTag', 'Remove-ImUserAttribute', 'Remove-ImUserTag', 'Set-ImAppAttributeName', 'Set-ImUserAttribute', 'Undo-ImRun')
    }

    It 'has help with a synopsis and examples for every cmdlet' {
        foreach ($command in Get-Command -Module TencentImAttr) {
            $help = Get-Help $command.Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty -Because $command.Name
            @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2 -Because $command.Name
        }
    }
}

Describe 'Set-ImUserAttribute' {
    BeforeEach {
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        Connect-Stub -Handler $stub
    }

    It 'reads wrapped values, keys and ids once, at the cmdlet boundary' {
        $row = [pscustomobject]@{ UserId = [psobject]'alice'; Attributes = @{ ([psobject]'n') = [psobject]7 } }
        $row | Set-ImUserAttribute
        $body = Get-Body $stub.Requests[0]
        $body.UserAttrs[0].To_Account | Should -Be 'alice'
        $body.UserAttrs[0].Attrs.n | Should -Be '7'
    }

    It 'retries a user at most MaxRetry times, whatever fails' {
        # A script block cannot answer on the worker threads: queue the answers (a fourth attempt would succeed).
        $busy = [TencentImAttr.Testing.StubResponse]::Fail(91000, 'busy')
        $stub.Enqueue(@($busy, $busy, $busy, [TencentImAttr.Testing.StubResponse]::Ok())) | Out-Null
        Set-ImUserAttribute -UserId alice -Attribute @{ city = 'x' } -MaxRetry 2 -ErrorVariable failed -ErrorAction SilentlyContinue
        $stub.Requests.Count | Should -Be 3
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ImApiError91000,*'
        $failed[0].Exception.Message | Should -BeLike '*(after 3 attempts)'
    }

    It 'sends the same attributes for each listed user, with the signed query string' {
        Set-ImUserAttribute -UserId 'alice', 'bob' -Attribute @{ city = 'Shenzhen' }
        $stub.Requests.Count | Should -Be 1
        $request = $stub.Requests[0]
        $request.Uri.AbsolutePath | Should -Be '/v4/all_member_push/im_set_attr'
        $request.Query['usersig'] | Should -Be 'stub-usersig'
        $request.Query['identifier'] | Should -Be 'administrator'
        $request.Query['sdkappid'] | Should -Be '1400000000'
        $request.Query['contenttype'] | Should -Be 'json'
        [uint32]::Parse($request.Query['random']) | Should -BeOfType [uint32]
        $body = Get-Body $request
        $body.UserAttrs.To_Account | Should -Be @('alice', 'bob')
        $body.UserAttrs[0].Attrs.city | Should -Be 'Shenzhen'
    }

    It 'takes Import-Csv rows: a UserId column and one column per attribute' {
        $rows = "UserId,city,tier`nalice,Shenzhen,gold`nbob,Beijing," | ConvertFrom-Csv
        $rows | Set-ImUserAttribute
        $body = Get-Body $stub.Requests[0]
        $body.UserAttrs[0].To_Account | Should -Be 'alice'
        $body.UserAttrs[0].Attrs.tier | Should -Be 'gold'
        $body.UserAttrs[1].Attrs.city | Should -Be 'Beijing'
        $body.UserAttrs[1].Attrs.PSObject.Properties.Name | Should -Not -Contain 'tier'
    }

    It 'takes rows whose user column is To_Account' {
        [pscustomobject]@{ To_Account = 'carol'; city = 'Tokyo' } | Set-ImUserAttribute
        (Get-Body $stub.Requests[0]).UserAttrs[0].To_Account | Should -Be 'carol'
    }

    It 'takes user ids from the pipeline together with -Attribute' {
        'alice', 'bob' | Set-ImUserAttribute -Attribute @{ tier = 'gold'; level = 3 }
        $body = Get-Body $stub.Requests[0]
        $body.UserAttrs.To_Account | Should -Be @('alice', 'bob')
        $body.UserAttrs[1].Attrs.level | Should -Be '3'
    }

    It 'takes the output of Get-ImUserAttribute back' {
        $fake = [TencentImAttr.Testing.InProcessEmulator]::new()
        $fake.Register('city', 'sex')
        $fake.Seed('alice', @{ city = 'Shenzhen'; sex = 'F' })
        $handler = $fake.CreateHandler()
        Connect-Stub -Handler $handler
        Get-ImUserAttribute alice | Set-ImUserAttribute
        $set = $handler.Requests | Where-Object Api -EQ 'im_set_attr'
        $body = Get-Body $set[0]
        $body.UserAttrs[0].To_Account | Should -Be 'alice'
        $body.UserAttrs[0].Attrs.city | Should -Be 'Shenzhen'
        $body.UserAttrs[0].Attrs.sex | Should -Be 'F'
        @($body.UserAttrs[0].Attrs.PSObject.Properties.Name | Sort-Object) | Should -Be @('city', 'sex')
    }

    It 'sends <Users> users in calls of <Sizes>' -ForEach @(
        @{ Users = 1; Sizes = @(1) }
        @{ Users = 100; Sizes = @(100) }
        @{ Users = 101; Sizes = @(100, 1) }
        @{ Users = 250; Sizes = @(100, 100, 50) }
    ) {
        1..$Users | ForEach-Object { "user$_" } | Set-ImUserAttribute -Attribute @{ tier = 'gold' } -ThrottleLimit 1
        $sizes = $stub.Requests | ForEach-Object { @((Get-Body $_).UserAttrs).Count }
        $sizes | Should -Be $Sizes
    }

    It 'sends nothing with -WhatIf' {
        1..5 | ForEach-Object { "user$_" } | Set-ImUserAttribute -Attribute @{ tier = 'gold' } -WhatIf
        $stub.Requests.Count | Should -Be 0
    }

    It 'reports bad input as its own error naming the user, and sends the rest' {
        Set-ImUserAttribute -UserId 'alice', '', 'bob' -Attribute @{ city = 'x' * 51 } -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 3
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AttributeValueTooLong,*'
        $errs[0].TargetObject | Should -Be 'alice'
        $errs[1].FullyQualifiedErrorId | Should -BeLike 'UserIdEmpty,*'
        $stub.Requests.Count | Should -Be 0

        $stub2 = [TencentImAttr.Testing.StubHttpHandler]::new()
        Connect-Stub -Handler $stub2
        [pscustomobject]@{ UserId = 'alice'; city = 'A' }, [pscustomobject]@{ Name = 'nobody' }, [pscustomobject]@{ UserId = 'bob'; city = 'B' } |
            Set-ImUserAttribute -ErrorVariable errs2 -ErrorAction SilentlyContinue
        $errs2.Count | Should -Be 1
        $errs2[0].FullyQualifiedErrorId | Should -BeLike 'InputObjectNoUserId,*'
        (Get-Body $stub2.Requests[0]).UserAttrs.To_Account | Should -Be @('alice', 'bob')
    }

    It 'reports every user of a failed call, with the API error code in the error id' {
        # 'nope' was registered when the command began and the service refuses it (what the names check cannot see):
        # the names read afresh after the 90033 explain nothing, so the call's error stands for every user.
        $stub.RegisteredNames = [string[]]@('city', 'nope')
        $stub.Enqueue([TencentImAttr.Testing.StubResponse]::Fail(90033, 'invalid attribute')) | Out-Null
        Set-ImUserAttribute -UserId 'alice', 'bob' -Attribute @{ nope = 'x' } -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 2
        $errs.TargetObject | Should -Be @('alice', 'bob')
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'ImApiError90033,*' }
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].Exception.ErrorCode | Should -Be 90033
    }

    It 'writes the users set with -PassThru' {
        $out = Set-ImUserAttribute -UserId alice -Attribute @{ city = 'x' } -PassThru
        $out.UserId | Should -Be 'alice'
        $out.Attributes['city'] | Should -Be 'x'
    }
}

Describe 'Get-ImUserAttribute' {
    BeforeEach {
        $fake = [TencentImAttr.Testing.InProcessEmulator]::new()
        $fake.Register('city', 'tier')
        $fake.Seed('alice', @{ city = 'Shenzhen' })
        $fake.Seed('bob', @{ city = 'Beijing'; tier = 'gold' })
        $handler = $fake.CreateHandler()
        Connect-Stub -Handler $handler -NamesAsRequests
    }

    It 'answers each user in input order, whatever order the service answers in' {
        $out = 'bob', 'nobody', 'alice' | Get-ImUserAttribute
        $out.UserId | Should -Be @('bob', 'nobody', 'alice')
        $out[0].Attributes['tier'] | Should -Be 'gold'
        $out[1].Attributes.Count | Should -Be 0
        $out[0].PSObject.TypeNames[0] | Should -Be 'TencentImAttr.Models.UserAttributes'
        (Get-Body $handler.Requests[0]).To_Account | Should -Be @('bob', 'nobody', 'alice')
    }

    It 'binds by property name' {
        $out = [pscustomobject]@{ UserId = 'alice' }, [pscustomobject]@{ Account = 'bob' } | Get-ImUserAttribute
        $out.UserId | Should -Be @('alice', 'bob')
    }

    It 'reports an object that names no user instead of sending it' {
        $out = [pscustomobject]@{ User = 'alice' }, 'bob' | Get-ImUserAttribute -ErrorVariable errs -ErrorAction SilentlyContinue
        $out.UserId | Should -Be 'bob'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InputObjectNoUserId,*'
        (Get-Body $handler.Requests[0]).To_Account | Should -Be @('bob')
    }

    It 'lets attributes be read with dot notation' {
        (Get-ImUserAttribute -UserId alice).Attributes.city | Should -Be 'Shenzhen'
    }

    It 'batches 250 users into three calls' {
        $out = 1..250 | ForEach-Object { "u$_" } | Get-ImUserAttribute -ThrottleLimit 4
        $out.Count | Should -Be 250
        $handler.Requests.Count | Should -Be 3
        ($out | Select-Object -Last 1).UserId | Should -Be 'u250'
    }

    It 'reports users the service did not answer' {
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        $stub.EnqueueJson('{"ActionStatus":"OK","ErrorCode":0,"UserAttrs":[{"To_Account":"a","Attrs":{}}]}') | Out-Null
        Connect-Stub -Handler $stub
        $out = Get-ImUserAttribute 'a', 'b' -ErrorVariable errs -ErrorAction SilentlyContinue
        $out.UserId | Should -Be 'a'
        $errs[0].TargetObject | Should -Be 'b'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ImUserMissingFromResponse,*'
    }
}

Describe 'Remove-ImUserAttribute' {
    BeforeEach {
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        Connect-Stub -Handler $stub
    }

    It 'takes -Name as given, even $null, and each row''s Name only when -Name is not given' {
        [pscustomobject]@{ UserId = 'alice'; Name = 'city' } | Remove-ImUserAttribute -Name $null -Force -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'NameListEmpty,*'
        $stub.Requests.Count | Should -Be 0
        [pscustomobject]@{ UserId = 'alice'; Name = 'city' } | Remove-ImUserAttribute -Force
        (Get-Body $stub.Requests[0]).UserAttrs[0].Attrs | Should -Be @('city')
    }

    It 'sends an array of names with -Force' {
        Remove-ImUserAttribute -UserId 'alice', 'bob' -Name 'sex', 'city' -Force
        $body = Get-Body $stub.Requests[0]
        $stub.Requests[0].Api | Should -Be 'im_remove_attr'
        $body.UserAttrs[0].Attrs | Should -Be @('sex', 'city')
        $body.UserAttrs.To_Account | Should -Be @('alice', 'bob')
    }

    It 'binds UserId and Name by property name' {
        [pscustomobject]@{ UserId = 'alice'; Name = 'city' } | Remove-ImUserAttribute -Confirm:$false
        (Get-Body $stub.Requests[0]).UserAttrs[0].Attrs | Should -Be @('city')
    }

    It 'takes user ids from the pipeline with -Name, and rows that name no user are errors' {
        'alice', 'bob' | Remove-ImUserAttribute -Name city -Force
        [pscustomobject]@{ User = 'carol'; Name = 'city' } | Remove-ImUserAttribute -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $stub.Requests.Count | Should -Be 1
        (Get-Body $stub.Requests[0]).UserAttrs.To_Account | Should -Be @('alice', 'bob')
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InputObjectNoUserId,*'
    }

    It 'sends nothing with -WhatIf, even with -Force' {
        Remove-ImUserAttribute -UserId alice -Name city -WhatIf -Force
        $stub.Requests.Count | Should -Be 0
    }

    It 'is high impact, so it would ask by default' {
        $attributes = @((Get-Command Remove-ImUserAttribute).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false))
        $attributes.Count | Should -Be 1
        $attributes[0].ConfirmImpact | Should -Be 'High'
    }
}

Describe 'Push family' {
    It 'uses the timpush paths and reports partial failures per user' {
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        $stub.EnqueueJson('{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorList":[{"To_Account":"mary","ErrorCode":70107,"ErrorInfo":""}]}') | Out-Null
        Connect-Stub -Handler $stub -Service Push
        $done = Set-ImUserAttribute -UserId 'john', 'mary', '379C2F0D-290D-47AE-94D1-919058C39C77' -Attribute @{ tier = 'gold' } -PassThru -ErrorVariable errs -ErrorAction SilentlyContinue
        $stub.Requests[0].Uri.AbsolutePath | Should -Be '/v4/timpush/set_attr'
        $done.UserId | Should -Be @('john', '379C2F0D-290D-47AE-94D1-919058C39C77')
        $errs.Count | Should -Be 1
        $errs[0].TargetObject | Should -Be 'mary'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ImApiError70107,*'
    }

    It 'reruns only the failures with the README recipe' {
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        $stub.EnqueueJson('{"ActionStatus":"OK","ErrorCode":0,"ErrorList":[{"To_Account":"bob","ErrorCode":70107,"ErrorInfo":""}]}') | Out-Null
        Connect-Stub -Handler $stub -Service Push
        $rows = "UserId,city`nalice,A`nbob,B`ncarol,C" | ConvertFrom-Csv
        $rows | Set-ImUserAttribute -ErrorVariable failed -ErrorAction SilentlyContinue
        $rows | Where-Object UserId -In $failed.TargetObject | Set-ImUserAttribute
        $stub.Requests.Count | Should -Be 2
        (Get-Body $stub.Requests[1]).UserAttrs.To_Account | Should -Be 'bob'
    }

    It 'rejects a RegistrationID on the all_member_push family' {
        Connect-Stub
        Get-ImUserAttribute '379C2F0D-290D-47AE-94D1-919058C39C77' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'UserIdTooLong,*'
        $errs[0].Exception.Message | Should -BeLike '*-Service Push*'
    }
}

Describe 'Connections' {
    It 'shows the connection without secrets' {
        [TencentImAttr.Testing.ModuleTestSeam]::Use([TencentImAttr.Testing.StubHttpHandler]::new())
        Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -SecretKey (ConvertTo-SecureString 'SENTINEL-9d2c-key' -AsPlainText -Force) -Region Singapore -SkipCheck
        [TencentImAttr.Testing.ModuleTestSeam]::Reset()
        $connection = Get-ImConnection
        $connection.SdkAppId | Should -Be 1400000000
        $connection.Region | Should -Be 'Singapore'
        $connection.Authentication | Should -Be 'SecretKey'
        ($connection | Format-List * | Out-String) | Should -Not -BeLike '*SENTINEL*'
        ($connection | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue) | Should -Not -BeLike '*SENTINEL*'
    }

    It 'uses -Connection for scripts with several apps' {
        $stubA = [TencentImAttr.Testing.StubHttpHandler]::new()
        $stubB = [TencentImAttr.Testing.StubHttpHandler]::new()
        Connect-Stub -Handler $stubA
        $b = Connect-Stub -Handler $stubB -PassThru -NoDefault
        Set-ImUserAttribute -UserId alice -Attribute @{ c = '1' } -Connection $b
        $stubA.Requests.Count | Should -Be 0
        $stubB.Requests.Count | Should -Be 1
    }

    It 'keeps the key and the UserSig out of verbose output and errors' {
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        $stub.Enqueue([TencentImAttr.Testing.StubResponse]::Http(502, '<html>bad gateway</html>')) | Out-Null
        $stub.RegisteredNames = [string[]]@('city', 'tier', 'level', 'sex', 'n', 'c')
        [TencentImAttr.Testing.ModuleTestSeam]::Use($stub)
        Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -SecretKey (ConvertTo-SecureString 'SENTINEL-9d2c-key' -AsPlainText -Force) -BaseUri 'https://im.example.test/' -MaxRetry 0 -SkipCheck
        [TencentImAttr.Testing.ModuleTestSeam]::Reset()
        $all = Set-ImUserAttribute -UserId alice -Attribute @{ c = '1' } -Verbose -ErrorAction Continue 4>&1 2>&1 | Out-String
        $sig = $stub.Requests[0].Query['usersig']
        $all | Should -BeLike '*ImHttpError502*'
        $all | Should -Not -BeLike '*SENTINEL*'
        $all.Contains($sig) | Should -BeFalse
    }

    It 'fails with a clear error when nothing is connected' {
        Disconnect-ImApp
        $saved = Get-ChildItem env:TENCENTIM_* -ErrorAction SilentlyContinue
        $saved | ForEach-Object { Remove-Item "env:$($_.Name)" }
        try {
            { Get-ImUserAttribute alice -ErrorAction Stop } | Should -Throw -ErrorId 'NotConnected,TencentImAttr.Cmdlets.GetImUserAttributeCommand'
        }
        finally {
            $saved | ForEach-Object { Set-Item "env:$($_.Name)" $_.Value }
        }
    }
}

Describe 'App attribute names' {
    BeforeEach {
        $fake = [TencentImAttr.Testing.InProcessEmulator]::new()
        $fake.Register('sex', 'city')
        $handler = $fake.CreateHandler()
        Connect-Stub -Handler $handler -NamesAsRequests
    }

    It 'reads the names in slot order' {
        $names = Get-ImAppAttributeName
        $names.Name | Should -Be @('sex', 'city')
        $names.Slot | Should -Be @(0, 1)
    }

    It 'replaces the names with -Force and sends nothing with -WhatIf' {
        Set-ImAppAttributeName -Name 'sex', 'city', 'tier' -WhatIf
        $handler.Requests.Count | Should -Be 0
        Set-ImAppAttributeName -Name 'sex', 'city', 'tier' -Force
        $fake.Names | Should -Be @('sex', 'city', 'tier')
    }

    It 'completes attribute names with Tab from the registered names' {
        $line = 'Remove-ImUserAttribute -UserId alice -Name c'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('city')
        $line = 'Set-ImUserAttribute -UserId alice -Attribute s'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @("@{ 'sex' = '' }")
        @($handler.Requests | Where-Object Api -EQ 'im_get_attr_name').Count | Should -Be 1 -Because 'the names are cached per connection'
    }

    It 'refuses more than ten names' {
        { Set-ImAppAttributeName -Name (1..11 | ForEach-Object { "n$_" }) -Force } | Should -Throw -ErrorId 'TooManyAttributeNames,TencentImAttr.Cmdlets.SetImAppAttributeNameCommand'
    }
}
