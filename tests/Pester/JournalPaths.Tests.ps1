#Requires -Version 7.2
# Pester 5: the paths of run journals, through the real cmdlets against the emulator as a process. A path that is
# not a file-system path (Env:, Variable:, Function:) or a -JournalPath whose folder does not exist is one clear
# JournalPathInvalid naming it, before anything is sent; a -BaseUri with a user name or password is refused by
# Connect-ImApp, and that password shows in no error, verbose or debug line.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1') -Force
    Import-Module (Join-Path $root 'tools/TencentImAttr.Dev.psm1') -Force
    $script:app = Start-TestEmulator -SdkAppId 1400000000
    $script:c = Connect-TestEmulator -Emulator $app -Parameters @{ PassThru = $true; NoDefault = $true }
    Set-ImAppAttributeName -Name city -Force -Connection $c
    Set-ImUserAttribute -UserId alice -Attribute @{ city = 'Rome' } -Connection $c
}

AfterAll {
    if ($script:app) { Stop-TestEmulator -Emulator $script:app }
}

Describe 'Journal paths that are not file-system paths' {
    BeforeAll {
        $env:IMJOURNALTEST = 'x'
        $script:x = 'x'
        function global:ImJournalTestFunction { 'x' }
    }
    AfterAll {
        Remove-Item Env:\IMJOURNALTEST -ErrorAction SilentlyContinue
        Remove-Item Function:\ImJournalTestFunction -ErrorAction SilentlyContinue
    }

    It 'Get-ImRunJournal -Path Env:\X is JournalPathInvalid, naming the path' {
        $e = { Get-ImRunJournal -Path Env:\IMJOURNALTEST } | Should -Throw -ErrorId 'JournalPathInvalid,TencentImAttr.Cmdlets.GetImRunJournalCommand' -PassThru
        $e.Exception.Message | Should -Match ([regex]::Escape("'Env:\IMJOURNALTEST'"))
        $e.Exception.Message | Should -Match 'not a file-system path'
        $e.Exception.Message | Should -Match 'Environment provider'
    }

    It 'a journal to read that does not exist, or is a folder, is JournalPathInvalid naming it (Get-ImRunJournal, Undo-ImRun)' {
        $missing = Join-Path $TestDrive 'nope.jsonl'
        $e = { Get-ImRunJournal -Path $missing } | Should -Throw -ErrorId 'JournalPathInvalid,TencentImAttr.Cmdlets.GetImRunJournalCommand' -PassThru
        $e.Exception.Message | Should -Match ([regex]::Escape("'$missing'"))
        $e.Exception.Message | Should -Match 'does not exist'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e = { Undo-ImRun -Path $TestDrive -Force -Connection $c } | Should -Throw -ErrorId 'JournalPathInvalid,TencentImAttr.Cmdlets.UndoImRunCommand' -PassThru
        $e.Exception.Message | Should -Match 'is a folder, not a journal file'
    }

    It 'Undo-ImRun -Path Variable:\x is JournalPathInvalid before anything is read or sent' {
        $e = { Undo-ImRun -Path Variable:\x -Force -Connection $c } | Should -Throw -ErrorId 'JournalPathInvalid,TencentImAttr.Cmdlets.UndoImRunCommand' -PassThru
        $e.Exception.Message | Should -Match ([regex]::Escape("'Variable:\x'"))
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It '-JournalPath Function:\f is JournalPathInvalid and nothing is written' {
        $e = { Set-ImUserAttribute -UserId alice -Attribute @{ city = 'Paris' } -JournalPath Function:\ImJournalTestFunction -Connection $c } |
            Should -Throw -ErrorId 'JournalPathInvalid,TencentImAttr.Cmdlets.SetImUserAttributeCommand' -PassThru
        $e.Exception.Message | Should -Match '\(-JournalPath\)'
        (Get-ImUserAttribute alice -Connection $c).Attributes.city | Should -Be 'Rome'
    }

    It 'a drive that does not exist is JournalPathInvalid too' {
        { Get-ImRunJournal -Path NoSuchDrive:\run.jsonl } | Should -Throw -ErrorId 'JournalPathInvalid,TencentImAttr.Cmdlets.GetImRunJournalCommand'
    }
}

Describe '-JournalPath whose folder does not exist' {
    It 'says the folder "<Given>" does not exist, naming it, and sends nothing' -ForEach @(
        @{ Given = 'nodir/'; Folder = 'nodir' }
        @{ Given = 'nodir/run.jsonl'; Folder = 'nodir' }
    ) {
        Push-Location $TestDrive
        try {
            $e = { Set-ImUserAttribute -UserId alice -Attribute @{ city = 'Paris' } -JournalPath $Given -Connection $c } |
                Should -Throw -ErrorId 'JournalPathInvalid,TencentImAttr.Cmdlets.SetImUserAttributeCommand' -PassThru
            $e.Exception.Message | Should -Match ([regex]::Escape("The folder '$(Join-Path $TestDrive $Folder)'"))
            $e.Exception.Message | Should -Match 'does not exist'
            $e.Exception.Message | Should -Not -Match 'denied'
            $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            Test-Path (Join-Path $TestDrive 'nodir') | Should -BeFalse
            (Get-ImUserAttribute alice -Connection $c).Attributes.city | Should -Be 'Rome'
        }
        finally { Pop-Location }
    }
}

Describe 'Connect-ImApp -BaseUri with user info' {
    It 'is refused, and the password appears in no error, verbose or debug output' {
        $uri = [uri]$app.BaseUri
        $withPassword = "http://admin:Pa55w0rdXyz@$($uri.Authority)/"
        $caught = $null
        $out = @(try {
                Connect-ImApp -SdkAppId $app.SdkAppId -Identifier $app.Identifier -SecretKey $app.SecretKey -BaseUri $withPassword -NoDefault -PassThru -Verbose -Debug *>&1
            }
            catch { $caught = $_ })
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'InvalidConnectionSettings,*'
        $caught.Exception.Message | Should -Match 'user name or password'
        $out += $caught
        @($out | Where-Object { $_ -is [TencentImAttr.Core.Connection.ImConnection] }).Count | Should -Be 0
        foreach ($record in $out) {
            $text = if ($record -is [System.Management.Automation.ErrorRecord]) { $record.Exception.ToString() + $record.ErrorDetails + $record.TargetObject } else { "$record" }
            $text | Should -Not -Match 'Pa55w0rdXyz'
        }
    }
}
