#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Trust boundaries through the real cmdlets: runspaces that must not see each other's connection, server text that
# must not reach the console live, and hostile or odd input (DataRow, remoting properties, numbers, throwing getters).
# Same conventions as TencentImAttr.Tests.ps1: the stub handler of out/TencentImAttr.Testing, through the module's
# test seam (ModuleTestSeam, reset as soon as each connection is made). Run after `dotnet build TencentImAttr.sln`.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $modulePath = Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1'
    $testingPath = Join-Path $root 'out/TencentImAttr.Testing/TencentImAttr.Testing.dll'
    Import-Module $modulePath -Force
    Add-Type -Path $testingPath

    function Connect-Stub {
        param(
            [TencentImAttr.Testing.StubHttpHandler] $Handler = [TencentImAttr.Testing.StubHttpHandler]::new(),
            [switch] $NamesAsRequests,
            [switch] $PassThru,
            [switch] $NoDefault
        )
        # Set- and Remove-ImUserAttribute begin with a read of the app's names (issue 22): the stub answers it aside,
        # unless the test is about the names themselves (-NamesAsRequests: the reads are requests like any other).
        if (-not $NamesAsRequests -and $null -eq $Handler.RegisteredNames) { $Handler.RegisteredNames = [string[]]@('city', 'tier', 'level', 'sex', 'n', 'c') }
        [TencentImAttr.Testing.ModuleTestSeam]::Use($Handler)
        try {
            Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -UserSig 'stub-usersig' -BaseUri 'https://im.example.test/' -SkipCheck `
                -MaxRetry 0 -PassThru:$PassThru -NoDefault:$NoDefault
        }
        finally {
            [TencentImAttr.Testing.ModuleTestSeam]::Reset()
        }
    }

    function Get-Body([TencentImAttr.Testing.RecordedRequest] $Request) { $Request.Body | ConvertFrom-Json }

    # Runs a script in a new runspace of this process, with the module imported, and returns its output.
    function Invoke-InRunspace([runspace] $Runspace, [scriptblock] $Script, [object[]] $Arguments = @()) {
        $ps = [powershell]::Create()
        $ps.Runspace = $Runspace
        try {
            $null = $ps.AddScript($Script.ToString())
            foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
            $out = $ps.Invoke()
            [pscustomobject]@{ Output = @($out); Errors = @($ps.Streams.Error) }
        }
        finally {
            $ps.Dispose()
        }
    }

    function New-ModuleRunspace {
        $rs = [runspacefactory]::CreateRunspace()
        $rs.Open()
        $null = Invoke-InRunspace $rs { param($m, $t) Import-Module $m; Add-Type -Path $t } @($modulePath, $testingPath)
        $rs
    }

    # The environment-variable connection would hide what these tests look at.
    $script:savedEnv = @{}
    foreach ($name in 'TENCENTIM_SDKAPPID', 'TENCENTIM_IDENTIFIER', 'TENCENTIM_SECRETKEY', 'TENCENTIM_USERSIG', 'TENCENTIM_BASEURI', 'TENCENTIM_REGION', 'TENCENTIM_SERVICE') {
        $script:savedEnv[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $null)
    }
}

AfterAll {
    [TencentImAttr.Testing.ModuleTestSeam]::Reset()
    foreach ($pair in $script:savedEnv.GetEnumerator()) { [Environment]::SetEnvironmentVariable($pair.Key, $pair.Value) }
    Disconnect-ImApp
    Remove-Module TencentImAttr -Force -ErrorAction SilentlyContinue
}

Describe 'The session connection belongs to its runspace' {
    BeforeEach {
        Disconnect-ImApp
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        $mine = Connect-Stub -Handler $stub -PassThru
        $rsA = New-ModuleRunspace
        $rsB = New-ModuleRunspace
    }

    AfterEach {
        $rsA.Dispose()
        $rsB.Dispose()
    }

    It 'is not seen by a runspace of the same process that never connected' {
        $r = Invoke-InRunspace $rsA { Get-ImUserAttribute -UserId alice -ErrorAction Continue }
        $r.Output.Count | Should -Be 0
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
        $stub.Requests.Count | Should -Be 0
        (Invoke-InRunspace $rsA { Get-ImConnection }).Output.Count | Should -Be 0
    }

    It 'is not disconnected by Disconnect-ImApp in another runspace, and each runspace keeps its own app' {
        $stubA = [TencentImAttr.Testing.StubHttpHandler]::new()
        $null = Invoke-InRunspace $rsA {
            param($h)
            [TencentImAttr.Testing.ModuleTestSeam]::Use($h)
            Connect-ImApp -SdkAppId 1400000001 -Identifier robotA -UserSig 'sig-a' -BaseUri 'https://a.example.test/' -SkipCheck
            [TencentImAttr.Testing.ModuleTestSeam]::Reset()
        } @($stubA)
        $null = Invoke-InRunspace $rsB { Disconnect-ImApp }
        (Invoke-InRunspace $rsA { (Get-ImConnection).SdkAppId }).Output | Should -Be 1400000001
        (Get-ImConnection).SdkAppId | Should -Be 1400000000
        $null = Invoke-InRunspace $rsA { Get-ImUserAttribute -UserId alice -ErrorAction SilentlyContinue }
        $stubA.Requests.Count | Should -Be 1
        $stub.Requests.Count | Should -Be 0
        Disconnect-ImApp
        (Invoke-InRunspace $rsA { (Get-ImConnection).SdkAppId }).Output | Should -Be 1400000001
    }

    It 'can be handed to another runspace with -Connection' {
        $r = Invoke-InRunspace $rsA { param($c) Get-ImUserAttribute -UserId alice -Connection $c -ErrorAction SilentlyContinue } @($mine)
        $stub.Requests.Count | Should -Be 1
        $stub.Requests[0].Api | Should -Be 'im_get_attr'
    }

    It 'reaches ForEach-Object -Parallel through $using: and not otherwise' {
        $conn = $mine
        $withUsing = 1..3 | ForEach-Object -Parallel {
            Import-Module $using:modulePath
            Get-ImUserAttribute -UserId "u$_" -Connection $using:conn -ErrorAction SilentlyContinue -ErrorVariable e
            if ($e) { $e[0].FullyQualifiedErrorId }
        } -ThrottleLimit 3
        $stub.Requests.Count | Should -Be 3
        $without = 1..2 | ForEach-Object -Parallel {
            Import-Module $using:modulePath
            try { Get-ImUserAttribute -UserId "v$_" -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
        } -ThrottleLimit 2
        @($without) | Should -HaveCount 2
        $without | ForEach-Object { $_ | Should -BeLike 'NotConnected,*' }
        $stub.Requests.Count | Should -Be 3
    }
}

Describe 'Server text never reaches the console live' {
    BeforeEach {
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        Connect-Stub -Handler $stub
        $esc = [char]27
    }

    It 'shows control characters of ErrorInfo escaped in the error message' {
        $stub.EnqueueJson('{"ActionStatus":"OK","ErrorCode":0,"ErrorList":[{"To_Account":"mary","ErrorCode":70107,"ErrorInfo":"gone\u001b[2J\u001b]0;owned\u0007\r\nALL DONE"}],"UserAttrs":[]}') | Out-Null
        $null = Get-ImUserAttribute -UserId mary -ErrorVariable errs -ErrorAction SilentlyContinue
        $text = $errs[0] | Out-String
        $text | Should -Not -Match "$esc"
        $text | Should -Not -Match "`a"
        $errs[0].Exception.Message | Should -BeLike '*gone\u001B`[2J\u001B]0;owned\u0007\r\nALL DONE*'
        $errs[0].Exception.ErrorInfo | Should -Be "gone$esc[2J$esc]0;owned$([char]7)`r`nALL DONE"
    }

    It 'formats attributes so that a value with the separators reads as one, and escapes control characters' {
        $stub.EnqueueJson('{"ActionStatus":"OK","ErrorCode":0,"UserAttrs":[{"To_Account":"alice","Attrs":{"city":"x; tier=gold","note":"red\u001b[31m"}}]}') | Out-Null
        $user = Get-ImUserAttribute -UserId alice
        $table = $user | Format-Table | Out-String
        $list = $user | Format-List | Out-String
        foreach ($shown in $table, $list) {
            $shown | Should -Not -Match "$esc"
            $shown | Should -Match ([regex]::Escape("city='x; tier=gold'"))
            $shown | Should -Match ([regex]::Escape("note='red\u001B[31m'"))
        }
        # The object keeps the exact values.
        $user.Attributes['city'] | Should -Be 'x; tier=gold'
        $user.Attributes['note'] | Should -Be "red$esc[31m"
    }

    It 'formats registered names from the server escaped' {
        $stub.RegisteredNames = $null   # the names read is what this test is about
        $stub.EnqueueJson('{"ActionStatus":"OK","ErrorCode":0,"AttrNames":{"0":"ci\u001b[5mty"}}') | Out-Null
        $names = Get-ImAppAttributeName
        ($names | Format-Table | Out-String) | Should -Not -Match "$esc"
        ($names | Format-List | Out-String) | Should -Not -Match "$esc"
        $names[0].Name | Should -Be "ci$esc[5mty"
    }
}

Describe 'Echoed secrets are scrubbed in every form' {
    It 'masks a percent-encoded UserSig and key echoed by the server, in the error record and its display' {
        $sig = 'eJwtzEELgj*AYgOH-8p0X2yyd0i*dFEQUoaQdYmqfuoZrbLKI6L-X2ds9Gz_Q'
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        $lower = ([uri]::EscapeDataString($sig)) -replace '%2A', '%2a'
        $twice = [uri]::EscapeDataString([uri]::EscapeDataString($sig))
        $info = "bad sig $lower or $twice in https://im.example.test/v4/x?sig=$lower"
        $stub.EnqueueJson((@{ ActionStatus = 'FAIL'; ErrorCode = 70003; ErrorInfo = $info } | ConvertTo-Json -Compress)) | Out-Null
        [TencentImAttr.Testing.ModuleTestSeam]::Use($stub)
        Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -UserSig $sig -BaseUri 'https://im.example.test/' -MaxRetry 0 -SkipCheck
        [TencentImAttr.Testing.ModuleTestSeam]::Reset()
        # 70003 says the connection is wrong: the command ends with one terminating error, which must be clean too.
        $errs = @()
        try { $null = Get-ImUserAttribute -UserId alice -Verbose 4>&1 } catch { $errs = @($_) }
        $errs.Count | Should -Be 1
        $shown = ($errs | Out-String) + ($errs | Format-List * -Force | Out-String) + $errs[0].Exception.InnerException.ErrorInfo
        $shown | Should -Match ([regex]::Escape('***'))
        foreach ($form in $sig, $lower, $twice, $sig.Substring(10, 20)) {
            $shown.Contains($form) | Should -BeFalse -Because "the form '$form' must not be shown"
        }
    }
}

Describe 'Hostile or odd input' {
    BeforeEach {
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        Connect-Stub -Handler $stub
    }

    It 'rejects ids with control characters on their own and sends the rest' {
        $stub.EnqueueJson('{"ActionStatus":"OK","ErrorCode":0,"UserAttrs":[{"To_Account":"carol","Attrs":{}}]}') | Out-Null
        $null = Get-ImUserAttribute -UserId "ali`tce", "bo`nb", 'carol' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 2
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'UserIdControlCharacter,*' }
        $errs[1].Exception.Message | Should -BeLike '*bo\nb*'
        (Get-Body $stub.Requests[0]).To_Account | Should -Be @('carol')
    }

    It 'rejects a lone surrogate on its own' {
        $null = Get-ImUserAttribute -UserId "a$([char]0xD800)b", 'carol' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'UserIdInvalidUtf16,*'
        (Get-Body $stub.Requests[0]).To_Account | Should -Be @('carol')
    }

    It 'reads a DataRow by its columns, DBNull being an empty cell' {
        $table = [System.Data.DataTable]::new()
        $null = $table.Columns.Add('UserId'); $null = $table.Columns.Add('city'); $null = $table.Columns.Add('tier')
        $null = $table.Rows.Add('alice', 'Shenzhen', [DBNull]::Value)
        $null = $table.Rows.Add('bob', [DBNull]::Value, 'gold')
        $table.Rows | Set-ImUserAttribute
        $body = Get-Body $stub.Requests[0]
        $body.UserAttrs.To_Account | Should -Be @('alice', 'bob')
        $body.UserAttrs[0].Attrs.PSObject.Properties.Name | Should -Be @('city')
        $body.UserAttrs[1].Attrs.PSObject.Properties.Name | Should -Be @('tier')
    }

    It 'never sends the properties that jobs and remoting add' {
        $fromJob = Start-Job { [pscustomobject]@{ UserId = 'alice'; city = 'Shenzhen' } } | Receive-Job -Wait -AutoRemoveJob
        $fromJob.PSObject.Properties.Name | Should -Contain 'PSComputerName'
        $fromJob | Set-ImUserAttribute
        (Get-Body $stub.Requests[0]).UserAttrs[0].Attrs.PSObject.Properties.Name | Should -Be @('city')
    }

    It 'takes numbers piped in as user ids' {
        1001, 1002 | Get-ImUserAttribute -ErrorAction SilentlyContinue
        (Get-Body $stub.Requests[0]).To_Account | Should -Be @('1001', '1002')
    }

    It 'makes an item whose property getter throws an error, and sends the others' {
        $bad = [pscustomobject]@{ UserId = 'alice' }
        $bad | Add-Member -MemberType ScriptProperty -Name city -Value { throw 'getter failed' }
        $bad, [pscustomobject]@{ UserId = 'bob'; city = 'x' } | Set-ImUserAttribute -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InputPropertyUnreadable,*'
        $errs[0].Exception.Message | Should -BeLike "*'city'*getter failed*"
        (Get-Body $stub.Requests[0]).UserAttrs.To_Account | Should -Be @('bob')
    }

    It 'shows a huge id by its start and its size' {
        $null = Get-ImUserAttribute -UserId ('x' * 100000) -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message | Should -BeLike '*... (100,000 bytes)*'
        $errs[0].Exception.Message.Length | Should -BeLessThan 400
    }
}

Describe 'Connect-ImApp and Set-ImAppAttributeName' {
    It 'refuses a -UserSigLifetime the signature cannot carry' {
        $key = ConvertTo-SecureString 'k' -AsPlainText -Force
        { Connect-ImApp 1400000000 administrator -SecretKey $key -UserSigLifetime (New-TimeSpan -Days 7300) -NoDefault -PassThru } |
            Should -Throw -ErrorId 'InvalidConnectionSettings,TencentImAttr.Cmdlets.ConnectImAppCommand'
    }

    It 'knows the Riyadh region' {
        $c = Connect-ImApp 1400000000 administrator -UserSig 's' -Region Riyadh -NoDefault -PassThru -SkipCheck
        $c.BaseUri | Should -Be 'https://adminapiksa.im.qcloud.com/'
        $c.Region | Should -Be 'Riyadh'
    }

    It '-PassThru shows what the app holds afterwards, read back' {
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        $stub.EnqueueJson('{"ActionStatus":"OK","ErrorCode":0}') | Out-Null
        $stub.EnqueueJson('{"ActionStatus":"OK","ErrorCode":0,"AttrNames":{"0":"city","1":"tier","2":"kept"}}') | Out-Null
        Connect-Stub -Handler $stub -NamesAsRequests
        $out = Set-ImAppAttributeName -Name city, tier -Force -PassThru
        $stub.Requests.Api | Should -Be @('im_set_attr_name', 'im_get_attr_name')
        $out.Name | Should -Be @('city', 'tier', 'kept')
    }
}
