#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Issue 25: rows ([pscustomobject], Import-Csv) are read from their own note properties, not by enumerating
# PSObject.Properties per object (CustomObjectProperties.cs). What that shortcut must not change: members the type table
# adds to the rows' type names, members added to one object, script properties that fail, rows of several shapes in one
# pipeline. Against the emulator's rules in process (tests/TencentImAttr.Testing), as Experience.Tests.ps1 does.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1') -Force
    Add-Type -Path (Join-Path $root 'out/TencentImAttr.Testing/TencentImAttr.Testing.dll')

    function Connect-FakeApp {
        $service = [TencentImAttr.Testing.InProcessEmulator]::new()
        $service.Register([string[]]@('city', 'tier', 'sex'))
        [TencentImAttr.Testing.ModuleTestSeam]::Use($service.CreateHandler())
        try {
            Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -UserSig 'stub-usersig' -BaseUri 'https://im.example.test/' -SkipCheck -MaxRetry 0
        }
        finally {
            [TencentImAttr.Testing.ModuleTestSeam]::Reset()
        }
        $service
    }

    function Get-StoreText([TencentImAttr.Testing.InProcessEmulator] $Service, [string[]] $Users) {
        foreach ($user in $Users) {
            $attributes = $Service.AttributesOf($user)
            $pairs = if ($attributes) { $attributes.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Key)=$($_.Value)" } }
            "$user`: $($pairs -join '; ')"
        }
    }
}

AfterAll {
    Remove-TypeData -TypeName 'Issue25.Row' -ErrorAction SilentlyContinue
    [TencentImAttr.Testing.ModuleTestSeam]::Reset()
    Disconnect-ImApp
    Remove-Module TencentImAttr -Force -ErrorAction SilentlyContinue
}

Describe 'Reading rows' {
    BeforeEach {
        $service = Connect-FakeApp
    }

    It 'reads a property that the type table adds to the rows'' type names, on every row' {
        Update-TypeData -TypeName 'Issue25.Row' -MemberType ScriptProperty -MemberName city -Value { 'Shenzhen' } -Force
        try {
            [pscustomobject]@{ PSTypeName = 'Issue25.Row'; UserId = 'alice'; tier = 'gold' },
            [pscustomobject]@{ PSTypeName = 'Issue25.Row'; UserId = 'bob'; tier = 'silver' } | Set-ImUserAttribute
        }
        finally {
            Remove-TypeData -TypeName 'Issue25.Row'
        }
        Get-StoreText $service 'alice', 'bob' | Should -Be @('alice: city=Shenzhen; tier=gold', 'bob: city=Shenzhen; tier=silver')
    }

    It 'sees type data added between two commands over rows of the same type names' {
        [pscustomobject]@{ PSTypeName = 'Issue25.Row'; UserId = 'alice'; tier = 'gold' } | Set-ImUserAttribute
        Update-TypeData -TypeName 'Issue25.Row' -MemberType ScriptProperty -MemberName city -Value { 'Shenzhen' } -Force
        try {
            [pscustomobject]@{ PSTypeName = 'Issue25.Row'; UserId = 'bob'; tier = 'silver' } | Set-ImUserAttribute
        }
        finally {
            Remove-TypeData -TypeName 'Issue25.Row'
        }
        Get-StoreText $service 'alice', 'bob' | Should -Be @('alice: tier=gold', 'bob: city=Shenzhen; tier=silver')
    }

    It 'reads rows of several shapes in one pipeline, a member added to one row included' {
        $extra = [pscustomobject]@{ UserId = 'bob'; tier = 'silver' } | Add-Member -NotePropertyName sex -NotePropertyValue 'M' -PassThru
        $csv = @('UserId,city', 'dan,Beijing') | ConvertFrom-Csv
        [pscustomobject]@{ UserId = 'alice'; tier = 'gold' }, $extra, $csv, @{ UserId = 'erin'; city = 'Xi''an' } | Set-ImUserAttribute
        Get-StoreText $service 'alice', 'bob', 'dan', 'erin' | Should -Be @('alice: tier=gold', 'bob: sex=M; tier=silver', 'dan: city=Beijing', 'erin: city=Xi''an')
    }

    It 'reads a script property of one row, and reports the row whose script property fails, naming the property' {
        $good = [pscustomobject]@{ UserId = 'alice' } | Add-Member -MemberType ScriptProperty -Name tier -Value { 'gold' } -PassThru
        $bad = [pscustomobject]@{ UserId = 'bob' } | Add-Member -MemberType ScriptProperty -Name tier -Value { throw 'no tier here' } -PassThru
        $good, $bad | Set-ImUserAttribute -ErrorVariable failed -ErrorAction SilentlyContinue
        Get-StoreText $service 'alice', 'bob' | Should -Be @('alice: tier=gold', 'bob: ')
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'InputPropertyUnreadable*'
        $failed[0].Exception.Message | Should -BeLike "*'tier'*"
    }

    It 'ignores the properties that jobs and remoting add, as before' {
        [pscustomobject]@{ UserId = 'alice'; tier = 'gold'; PSComputerName = 'host1'; RunspaceId = [guid]::NewGuid() } | Set-ImUserAttribute
        Get-StoreText $service 'alice' | Should -Be 'alice: tier=gold'
    }
}
