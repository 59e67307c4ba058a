#Requires -Version 7.2
# Pester 5: -Resume through the real cmdlets against the emulator as a process: a 20,000-user Set in a child pwsh
# killed with SIGKILL at about half way, then resumed with the same input and journal, ends with every user exact
# and no user that was done sent again; an input that differs from the journal stops with JournalMismatch.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:modulePath = Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1'
    Import-Module $modulePath -Force
    Import-Module (Join-Path $root 'tools/TencentImAttr.Dev.psm1') -Force
    $script:app = Start-TestEmulator -SdkAppId 1400000000 -ArgumentList '--latency-ms', '20'
    $script:c = Connect-TestEmulator -Emulator $app -Parameters @{ PassThru = $true; NoDefault = $true }
    Set-ImAppAttributeName -Name city -Force -Connection $c
}

AfterAll {
    if ($script:app) { Stop-TestEmulator -Emulator $script:app }
}

Describe 'Set-ImUserAttribute -Resume' {
    It 'finishes a 20,000-user run killed with SIGKILL half way: every user exact, no done user sent again' {
        $path = Join-Path $TestDrive 'killed.jsonl'
        $input = '0..19999 | ForEach-Object { [pscustomobject]@{ UserId = ''kill{0:D5}'' -f $_; city = ''c'' + $_ } }'
        $startInfo = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
        $pwshDll = Join-Path $PSHOME 'pwsh.dll'
        if (Test-Path $pwshDll) { $startInfo.ArgumentList.Add($pwshDll) } else { $startInfo.FileName = Join-Path $PSHOME 'pwsh' }
        foreach ($arg in '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$modulePath'; $input | Set-ImUserAttribute -JournalPath '$path' -ThrottleLimit 2") { $startInfo.ArgumentList.Add($arg) }
        # The key goes through the environment, never on a command line.
        $startInfo.Environment['TENCENTIM_SDKAPPID'] = "$($app.SdkAppId)"
        $startInfo.Environment['TENCENTIM_IDENTIFIER'] = $app.Identifier
        $startInfo.Environment['TENCENTIM_SECRETKEY'] = [System.Net.NetworkCredential]::new('', $app.SecretKey).Password
        $startInfo.Environment['TENCENTIM_BASEURI'] = $app.BaseUri
        $startInfo.RedirectStandardOutput = $true
        $startInfo.RedirectStandardError = $true
        $child = [System.Diagnostics.Process]::Start($startInfo)
        try {
            $null = $child.StandardOutput.ReadToEndAsync()
            $null = $child.StandardError.ReadToEndAsync()
            # The gate: about half of the users have an outcome on disk (no clock: the file says when).
            $outcomes = 0
            while (-not $child.HasExited -and $outcomes -lt 10000) {
                Start-Sleep -Milliseconds 20
                if (Test-Path $path) {
                    $stream = [System.IO.FileStream]::new($path, 'Open', 'Read', 'ReadWrite')
                    try { $outcomes = [regex]::Matches([System.IO.StreamReader]::new($stream).ReadToEnd(), '"type":"outcome"').Count }
                    finally { $stream.Dispose() }
                }
            }
            $child.Kill()   # SIGKILL on Linux and macOS
            $child.WaitForExit()
        }
        finally { $child.Dispose() }

        $first = @(Get-ImRunJournal $path -WarningAction SilentlyContinue | Where-Object { $_ -is [TencentImAttr.Models.RunJournalRecord] })
        $done = @($first | Where-Object Outcome -eq 'Done')
        # Not vacuous: the kill landed mid-run.
        $done.Count | Should -BeGreaterThan 0
        $done.Count | Should -BeLessThan 20000

        & ([scriptblock]::Create($input)) | Set-ImUserAttribute -JournalPath $path -Resume -Connection $c -InformationVariable info
        $info[-1].MessageData.Skipped | Should -Be $done.Count

        $all = @(Get-ImRunJournal $path)
        $headers = @($all | Where-Object { $_ -is [TencentImAttr.Models.RunJournalHeader] })
        $headers.Count | Should -Be 2
        $second = @($all | Where-Object { $_ -is [TencentImAttr.Models.RunJournalRecord] -and $_.Line -gt $headers[1].Line })
        $doneUsers = [System.Collections.Generic.HashSet[string]]::new([string[]]$done.UserId)
        @($second | Where-Object { $doneUsers.Contains($_.UserId) }).Count | Should -Be 0
        ($first.Count + $second.Count) | Should -BeGreaterOrEqual 20000

        $wrong = @(Get-ImUserAttribute -UserId (0..19999 | ForEach-Object { 'kill{0:D5}' -f $_ }) -Connection $c | Where-Object { $_.Attributes.city -ne ('c' + [int]$_.UserId.Substring(4)) })
        $wrong.Count | Should -Be 0
        @(Get-ImUserAttribute -UserId (0..19999 | ForEach-Object { 'kill{0:D5}' -f $_ }) -Connection $c).Count | Should -Be 20000
    }

    It 'stops with JournalMismatch naming the position when the input differs from the journal' {
        $path = Join-Path $TestDrive 'mismatch.jsonl'
        Set-ImUserAttribute -UserId m0, m1, m2 -Attribute @{ city = 'x' } -JournalPath $path -Connection $c
        { Set-ImUserAttribute -UserId m0, other, m2 -Attribute @{ city = 'x' } -JournalPath $path -Resume -Connection $c } |
            Should -Throw -ErrorId 'JournalMismatch,TencentImAttr.Cmdlets.SetImUserAttributeCommand'
        try { Set-ImUserAttribute -UserId m0, other, m2 -Attribute @{ city = 'x' } -JournalPath $path -Resume -Connection $c } catch { $_.Exception.Message | Should -Match 'position 1' }
        (Get-ImUserAttribute other -Connection $c).Attributes.Count | Should -Be 0
    }

    It 'refuses -Resume without a journal file, and an existing journal without -Resume' {
        { Set-ImUserAttribute -UserId m0 -Attribute @{ city = 'x' } -Resume -Connection $c } | Should -Throw -ErrorId 'ResumeNeedsJournal,TencentImAttr.Cmdlets.SetImUserAttributeCommand'
        { Set-ImUserAttribute -UserId m0 -Attribute @{ city = 'x' } -JournalPath (Join-Path $TestDrive 'none.jsonl') -Resume -Connection $c } | Should -Throw -ErrorId 'ResumeNeedsJournal,TencentImAttr.Cmdlets.SetImUserAttributeCommand'
        # A folder names the folder, not a file name the module made up for it.
        $e = { Set-ImUserAttribute -UserId m0 -Attribute @{ city = 'x' } -JournalPath $TestDrive -Resume -Connection $c } | Should -Throw -ErrorId 'ResumeNeedsJournal,TencentImAttr.Cmdlets.SetImUserAttributeCommand' -PassThru
        $e.Exception.Message | Should -Match ([regex]::Escape("'$((Resolve-Path $TestDrive).ProviderPath)' is a folder"))
        $e.Exception.Message | Should -Not -Match 'Set-ImUserAttribute-\d'
    }
}
