#Requires -Version 7.2
# What the cmdlet layer owns, asked of PowerShell itself: parameter sets and binding, positional use, ShouldProcess and
# ConfirmImpact, error records, the streams, tab completion, the format views and the help. Calls go to the stub
# handler (exact wire) or to the emulator (a child pwsh process, or another runspace in this one).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../../out/TencentImAttr/TencentImAttr.psd1') -Force
    $commands = Get-Command -Module TencentImAttr | ForEach-Object { @{ Name = $_.Name } }
}

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:modulePath = Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1'
    Import-Module $modulePath -Force
    Add-Type -Path (Join-Path $root 'out/TencentImAttr.Testing/TencentImAttr.Testing.dll')
    Import-Module (Join-Path $root 'tools/TencentImAttr.Dev.psm1') -Force
    $script:emulator = Start-TestEmulator

    # The stub replaces the network of this one connection through the module's test seam (which holds for the
    # process until reset, so it is reset at once: later connections go to the emulator).
    function Connect-Stub([TencentImAttr.Testing.StubHttpHandler] $Handler, [switch] $NamesAsRequests) {
        # Set- and Remove-ImUserAttribute begin with a read of the app's names (issue 22): the stub answers it aside,
        # unless the test is about the names themselves (-NamesAsRequests: the reads are requests like any other).
        if (-not $NamesAsRequests -and $null -eq $Handler.RegisteredNames) { $Handler.RegisteredNames = [string[]]@('city', 'tier', 'level', 'sex', 'n', 'c') }
        [TencentImAttr.Testing.ModuleTestSeam]::Use($Handler)
        try {
            Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -UserSig 'stub-usersig' -BaseUri 'https://im.example.test/' -SkipCheck `
                -MaxRetry 0
        }
        finally {
            [TencentImAttr.Testing.ModuleTestSeam]::Reset()
        }
    }

    # Runs a script in a new pwsh process, -NonInteractive, with the module imported and the TENCENTIM_* variables
    # pointing at the emulator; returns its output (all streams) and exit code.
    function Invoke-ChildPwsh([string] $Script) {
        $run = Invoke-TestPwsh -Emulator $emulator -ModulePath $modulePath -Script $Script -Width 200
        # Every bulk command ends with a summary on the Information stream, which *>&1 merges: these tests read the
        # other lines (BulkConversation.Tests.ps1 tests the summary).
        $output = ($run.Lines | Where-Object { $_ -notmatch '^\w+-Im\w+( \(stopped early\))?: [\d,]+ users in, ' }) -join "`n"
        [pscustomobject]@{ Output = $output; ExitCode = $run.ExitCode }
    }

    # Runs a script in a new runspace of this process and returns the PowerShell object, streams and all.
    function Invoke-InRunspace([string] $Script, [hashtable] $Variables = @{}) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$modulePath'").AddStatement()
        foreach ($name in $Variables.Keys) { $null = $ps.AddCommand('Set-Variable').AddParameter('Name', $name).AddParameter('Value', $Variables[$name]).AddStatement() }
        $null = $ps.AddScript($Script)
        $output = $ps.Invoke()
        [pscustomobject]@{ Output = $output; Streams = $ps.Streams; HadErrors = $ps.HadErrors; PowerShell = $ps }
    }

    $connection = Connect-TestEmulator -Emulator $emulator -Parameters @{ PassThru = $true; NoDefault = $true }
    Set-ImAppAttributeName -Name city, tier -Force -Connection $connection
}

AfterAll {
    [TencentImAttr.Testing.ModuleTestSeam]::Reset()
    Disconnect-ImApp
    if ($script:emulator) { Stop-TestEmulator -Emulator $script:emulator }
}

Describe 'Parameter validation and sets, as the binder applies them' {
    # What the sets look like is in CommandSurface.Tests.ps1; here the binder is made to use them.
    It '<_> refuses a -ThrottleLimit out of range' -ForEach @('Set-ImUserAttribute', 'Get-ImUserAttribute', 'Remove-ImUserAttribute') {
        { & $_ -UserId x -ThrottleLimit 0 -WhatIf } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'Connect-ImApp refuses two ways to authenticate at once' {
        (Get-Command Connect-ImApp).ParameterSets.Name | Sort-Object | Should -Be @('Credential', 'SecretKey', 'UserSig')
        { Connect-ImApp -SdkAppId 1 -Identifier a -UserSig s -SecretKey (ConvertTo-SecureString x -AsPlainText -Force) } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,*'
    }
}

Describe 'Binding and positional use, through the stub' {
    BeforeEach {
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        Connect-Stub $stub
    }

    It 'binds positional user ids and attributes' {
        Set-ImUserAttribute alice @{ city = 'Shenzhen' }
        Remove-ImUserAttribute alice city -Force
        $stub.Requests.Api | Should -Be @('im_set_attr', 'im_remove_attr')
        ($stub.Requests[1].Body | ConvertFrom-Json).UserAttrs[0].Attrs | Should -Be @('city')
    }

    It 'binds pipeline strings by value and objects by property name, in one pipeline' {
        $null = $stub.EnqueueJson('{"ActionStatus":"OK","ErrorCode":0,"UserAttrs":[{"To_Account":"alice","Attrs":{}},{"To_Account":"bob","Attrs":{}}]}')
        $out = 'alice', [pscustomobject]@{ To_Account = 'bob' } | Get-ImUserAttribute
        $out.UserId | Should -Be @('alice', 'bob')
    }

    It 'binds -UserId from an array variable and from a sub-expression' {
        $ids = 'u1', 'u2'
        Set-ImUserAttribute -UserId $ids -Attribute @{ tier = 'gold' }
        Set-ImUserAttribute -UserId ('u3', 'u4' | ForEach-Object { $_ }) -Attribute @{ tier = 'gold' }
        ($stub.Requests | ForEach-Object { ($_.Body | ConvertFrom-Json).UserAttrs.To_Account }) | Should -Be @('u1', 'u2', 'u3', 'u4')
    }
}

Describe 'Error records' {
    BeforeEach {
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        Connect-Stub $stub
    }

    It 'a bad item is a non-terminating error with its own ErrorId, category and the user as TargetObject' {
        Set-ImUserAttribute -UserId alice, bob -Attribute @{ city = 'x' * 51 } -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -Be 'AttributeValueTooLong,TencentImAttr.Cmdlets.SetImUserAttributeCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs.TargetObject | Should -Be @('alice', 'bob')
        $stub.Requests.Count | Should -Be 0
    }

    It 'a failed call is one error per user, with the API code in the ErrorId, and -ErrorAction Stop makes it terminating' {
        $stub.Enqueue([TencentImAttr.Testing.StubResponse]::Fail(90018, 'too many'))
        { Set-ImUserAttribute -UserId alice -Attribute @{ city = 'x' } -ErrorAction Stop } | Should -Throw -ErrorId 'ImApiError90018,*'
    }

    It 'no connection is a terminating AuthenticationError' {
        Disconnect-ImApp
        $err = { Get-ImUserAttribute alice } | Should -Throw -ErrorId 'NotConnected,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
    }
}

Describe 'ShouldProcess and ConfirmImpact, in a non-interactive pwsh' {
    It 'Set (Medium) runs without asking under the default preference, and asks when the preference is Medium' {
        $result = Invoke-ChildPwsh @'
Set-ImUserAttribute -UserId confirm1 -Attribute @{ city = 'Shenzhen' }
(Get-ImUserAttribute confirm1).Attributes.city
$ConfirmPreference = 'Medium'
try { Set-ImUserAttribute -UserId confirm1 -Attribute @{ city = 'Beijing' } -ErrorAction Stop; 'no prompt' } catch { "prompted: $($_.FullyQualifiedErrorId)" }
(Get-ImUserAttribute confirm1).Attributes.city
'@
        $lines = $result.Output -split "`r?`n" | Where-Object { $_ }
        $lines[0] | Should -Be 'Shenzhen'
        $lines[1] | Should -BeLike 'prompted: *'
        $lines[2] | Should -Be 'Shenzhen'
    }

    It 'Remove (High) asks under the default preference; -Force and -Confirm:$false do not; -WhatIf sends nothing' {
        $result = Invoke-ChildPwsh @'
Set-ImUserAttribute -UserId confirm2 -Attribute @{ city = 'Shenzhen'; tier = 'gold' }
try { Remove-ImUserAttribute confirm2 city -ErrorAction Stop; 'no prompt' } catch { 'prompted' }
Remove-ImUserAttribute confirm2 city -WhatIf -Force
(Get-ImUserAttribute confirm2).Attributes.Count
Remove-ImUserAttribute confirm2 city -Force
Remove-ImUserAttribute confirm2 tier -Confirm:$false
(Get-ImUserAttribute confirm2).Attributes.Count
'@
        $lines = $result.Output -split "`r?`n" | Where-Object { $_ }
        $lines[0] | Should -Be 'prompted'
        $lines[1] | Should -BeLike 'What if: *confirm2*'
        $lines[2] | Should -Be '2'
        $lines[3] | Should -Be '0'
    }
}

Describe 'ShouldProcess of the tag cmdlets, in a non-interactive pwsh' {
    It 'Remove and Clear (High) ask under the default preference; Add (Medium) does not; -Force goes' {
        $result = Invoke-ChildPwsh @'
Add-ImUserTag -UserId confirm3 -Tag a, b
try { Remove-ImUserTag confirm3 a -ErrorAction Stop; 'no prompt' } catch { 'prompted' }
try { Clear-ImUserTag confirm3 -ErrorAction Stop; 'no prompt' } catch { 'prompted' }
(Get-ImUserTag confirm3).Tags.Count
Remove-ImUserTag confirm3 a -Force
(Get-ImUserTag confirm3).Tags -join ','
Clear-ImUserTag confirm3 -Confirm:$false
(Get-ImUserTag confirm3).Tags.Count
'@
        $lines = $result.Output -split "`r?`n" | Where-Object { $_ }
        $lines[0] | Should -Be 'prompted'
        $lines[1] | Should -Be 'prompted'
        $lines[2] | Should -Be '2'
        $lines[3] | Should -Be 'b'
        $lines[4] | Should -Be '0'
    }
}

Describe 'Streams, from another runspace of this process' {
    It 'writes one verbose line per call attempt, and progress for a long run' {
        $stub = [TencentImAttr.Testing.StubHttpHandler]::new()
        foreach ($i in 1..5) {
            $ok = [TencentImAttr.Testing.StubResponse]::Ok()
            $ok.Delay = [timespan]::FromMilliseconds(400)
            $null = $stub.Enqueue($ok)
        }
        $stub.RegisteredNames = [string[]]@('city', 'tier', 'level', 'sex', 'n', 'c')
        $run = Invoke-InRunspace -Variables @{ stub = $stub } -Script @'
[TencentImAttr.Testing.ModuleTestSeam]::Use($stub)
Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -UserSig 'stub-usersig' -BaseUri 'https://im.example.test/' -SkipCheck
[TencentImAttr.Testing.ModuleTestSeam]::Reset()
$ProgressPreference = 'Continue'
1..500 | ForEach-Object { "u$_" } | Set-ImUserAttribute -Attribute @{ city = 'x' } -ThrottleLimit 1 -Verbose
'@
        $run.HadErrors | Should -BeFalse
        $verbose = @($run.Streams.Verbose | Where-Object Message -Match 'im_set_attr: 100 user\(s\), attempt 1')
        $verbose.Count | Should -Be 5
        $progress = @($run.Streams.Progress | Where-Object Activity -EQ 'Set-ImUserAttribute')
        $progress.Count | Should -BeGreaterThan 0
        $progress[-1].RecordType | Should -Be 'Completed'
        $progress[0].StatusDescription | Should -Match '^[\d,]+ read, [\d,]+ done, '
        $run.PowerShell.Dispose()
    }

    It 'writes errors to the error stream of the runspace that ran the command' {
        $run = Invoke-InRunspace -Variables @{ emulator = $emulator } -Script @'
Connect-ImApp -SdkAppId $emulator.SdkAppId -Identifier administrator -SecretKey $emulator.SecretKey -BaseUri $emulator.BaseUri
Set-ImUserAttribute -UserId ok1, ('x' * 40) -Attribute @{ city = 'Shenzhen' } -PassThru
'@
        @($run.Output).UserId | Should -Be 'ok1'
        @($run.Streams.Error).Count | Should -Be 1
        $run.Streams.Error[0].FullyQualifiedErrorId | Should -BeLike 'UserIdTooLong,*'
        $run.PowerShell.Dispose()
    }
}

Describe 'Several runspaces in one process' {
    It 'imports and uses the module in runspaces of a pool and in ForEach-Object -Parallel' {
        $key = $emulator.SecretKey
        $results = 1..4 | ForEach-Object -Parallel {
            Import-Module $using:modulePath
            $c = Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -SecretKey $using:key -BaseUri ($using:emulator).BaseUri -PassThru -NoDefault
            Set-ImUserAttribute -UserId "parallel$_" -Attribute @{ tier = "t$_" } -Connection $c
            (Get-ImUserAttribute "parallel$_" -Connection $c).Attributes.tier
        } -ThrottleLimit 4
        $results | Sort-Object | Should -Be @('t1', 't2', 't3', 't4')

        $pool = [runspacefactory]::CreateRunspacePool(1, 2)
        $pool.Open()
        try {
            $jobs = foreach ($i in 1..2) {
                $ps = [powershell]::Create()
                $ps.RunspacePool = $pool
                $null = $ps.AddScript("Import-Module '$modulePath'; (Get-Command -Module TencentImAttr).Count")
                [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
            }
            foreach ($job in $jobs) {
                $job.PowerShell.EndInvoke($job.Handle) | Should -Be (Get-Command -Module TencentImAttr).Count
                $job.PowerShell.Dispose()
            }
        }
        finally { $pool.Dispose() }
    }
}

Describe 'Tab completion, through TabExpansion2' {
    BeforeAll {
        $completionConnection = Connect-TestEmulator -Emulator $emulator -Parameters @{ PassThru = $true }
        $null = Get-ImAppAttributeName
    }

    It 'completes <Line> to <Expected>' -ForEach @(
        @{ Line = 'Connect-ImApp -Region Sing'; Expected = 'Singapore' }
        @{ Line = 'Connect-ImApp -Service P'; Expected = 'Push' }
        @{ Line = 'Remove-ImUserAttribute alice -Name ti'; Expected = 'tier' }
    ) {
        $result = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
        $result.CompletionMatches.CompletionText | Should -Contain $Expected
    }

    It 'completes -Attribute to a table skeleton for each registered name' {
        $line = 'Set-ImUserAttribute alice -Attribute '
        $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $result.CompletionMatches.CompletionText | Should -Be @("@{ 'city' = '' }", "@{ 'tier' = '' }")
    }
}

Describe 'Format views, as rendered' {
    It 'shows UserAttributes as a table and a list with the attributes in one column' {
        $item = [TencentImAttr.Models.UserAttributes]::new('alice', [System.Collections.Generic.Dictionary[string, string]]::new())
        $item.Attributes['city'] = 'Shenzhen'
        $item.Attributes['tier'] = 'gold'
        $table = $item | Format-Table | Out-String
        $table | Should -Match 'UserId\s+Attributes'
        $table | Should -Match 'alice\s+city=Shenzhen; tier=gold'
        $list = $item | Format-List | Out-String
        $list | Should -Match 'UserId\s+: alice'
        $list | Should -Match 'Attributes\s+: city=Shenzhen; tier=gold'
    }

    It 'shows a connection without its secrets' {
        $sig = New-TestUserSig -SdkAppId 1400000000 -Identifier administrator -SecretKey $emulator.SecretKey
        $c = Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -UserSig $sig -BaseUri $emulator.BaseUri -PassThru -NoDefault
        $text = ($c | Format-Table | Out-String) + ($c | Format-List * | Out-String)
        $text | Should -Match '1400000000'
        $text | Should -Not -Match ([regex]::Escape($sig))
        $text | Should -Not -Match ([regex]::Escape([System.Net.NetworkCredential]::new('', $emulator.SecretKey).Password))
    }
}

Describe 'Help, read with Get-Help' {
    It '<Name> has a synopsis, a description, every parameter described and at least two examples' -ForEach $commands {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name\s"
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $visible = (Get-Command $Name).Parameters.Values | Where-Object { $_.Name -notin $common -and -not ($_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.DontShow }) }
        foreach ($parameter in $visible) {
            $p = $help.parameters.parameter | Where-Object name -EQ $parameter.Name
            $p | Should -Not -BeNullOrEmpty -Because "$Name -$($parameter.Name) needs help"
            ($p.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "$Name -$($parameter.Name) needs a description"
        }
    }

    It 'shows one syntax item per parameter set' {
        foreach ($command in Get-Command -Module TencentImAttr) {
            @((Get-Help $command.Name).syntax.syntaxItem).Count | Should -Be $command.ParameterSets.Count -Because $command.Name
        }
    }
}

Describe 'The README quick start' {
    It 'is tools/QuickStart.ps1, which runs against the emulator' {
        $readme = Get-Content -Raw (Join-Path $root 'README.md')
        $quickStart = @(Get-Content (Join-Path $root 'tools/QuickStart.ps1') | Where-Object { $_ -notmatch '^#' })
        $quickStart.Count | Should -BeGreaterThan 0 -Because 'an empty quick start would check nothing'
        foreach ($line in $quickStart) { $readme | Should -Match ([regex]::Escape($line)) }
        Connect-TestEmulator -Emulator $emulator
        $out = & (Join-Path $root 'tools/QuickStart.ps1')
        $out.UserId | Should -Be @('alice', 'bob', 'carol', 'alice')
        $out[3].Attributes.Keys | Should -Be @('tier')
    }
}
