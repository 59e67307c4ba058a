#Requires -Version 7.2
# Pester 5: -Verify through the real cmdlets, against emulators run as processes: one that answers normally, one that
# holds the first set calls (LateApply: a call the client gives up on lands seconds later), one that loses every set
# (LostWrite: answered OK, never applied). Timing: the emulator holds a call 15 s and the client times out after 2 s,
# so the retry and the next command's writes go out long before the stale call lands (margin about 10 s), and the
# settle delay (30 s) ends long after it landed (margin about 15 s): generous for a loaded machine.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1') -Force
    Import-Module (Join-Path $root 'tools/TencentImAttr.Dev.psm1') -Force
    $script:plain = Start-TestEmulator
    # The first set call is held 15 s (LateApply); the second is applied and never answered (Stall); then none.
    $script:late = Start-TestEmulator -ArgumentList '--faults', 'LateApply,Stall', '--fail-rate', '1', '--max-faults', '2', '--fault-apis', 'im_set_attr', '--late-apply-ms', '15000'
    $script:lost = Start-TestEmulator -ArgumentList '--faults', 'LostWrite', '--fail-rate', '1', '--fault-apis', 'im_set_attr'
    $script:plainConnection = Connect-TestEmulator -Emulator $plain -Parameters @{ PassThru = $true; NoDefault = $true }
    $script:lateConnection = Connect-TestEmulator -Emulator $late -Parameters @{ PassThru = $true; NoDefault = $true; TimeoutSec = 2 }
    $script:lostConnection = Connect-TestEmulator -Emulator $lost -Parameters @{ PassThru = $true; NoDefault = $true }
    foreach ($c in $plainConnection, $lateConnection, $lostConnection) { Set-ImAppAttributeName -Name tier, city -Force -Connection $c }
}

AfterAll {
    foreach ($app in $script:plain, $script:late, $script:lost) { if ($app) { Stop-TestEmulator -Emulator $app } }
}

Describe '-Verify' {
    It 'is on every write cmdlet, with -VerifySettleSec (default 10), and on no read cmdlet' {
        foreach ($name in 'Set-ImUserAttribute', 'Remove-ImUserAttribute', 'Add-ImUserTag', 'Remove-ImUserTag', 'Clear-ImUserTag') {
            $command = Get-Command $name
            $command.Parameters['Verify'].SwitchParameter | Should -BeTrue -Because $name
            $command.Parameters['VerifySettleSec'].ParameterType | Should -Be ([int]) -Because $name
            (Get-Help $name -Parameter VerifySettleSec).defaultValue | Should -Be '10'
            (Get-Help $name -Parameter Verify).description.Text | Should -Match 'ImVerifyMismatch'
        }
        foreach ($name in 'Get-ImUserAttribute', 'Get-ImUserTag') {
            (Get-Command $name).Parameters.ContainsKey('Verify') | Should -BeFalse -Because $name
        }
    }

    It 'corrects a stale call of an earlier command that lands during the settle delay' {
        # Command 1 gives up on x (one attempt, timed out): its call is held by the emulator and lands 15 s later.
        Set-ImUserAttribute -UserId x -Attribute @{ tier = 'silver' } -MaxRetry 0 -Connection $lateConnection -ErrorVariable first -ErrorAction SilentlyContinue
        $first.Count | Should -Be 1
        $first[0].FullyQualifiedErrorId | Should -BeLike 'ImRequestTimeout,*'

        # Command 2 sets gold with -Verify; its first call is applied but never answered, so x and y are read back
        # after the settle delay, by which time command 1's call has put silver back: x is sent once more.
        $done = Set-ImUserAttribute -UserId x, y -Attribute @{ tier = 'gold' } -Verify -VerifySettleSec 30 -PassThru -Connection $lateConnection -InformationVariable info -ErrorVariable second
        $second.Count | Should -Be 0
        $done.UserId | Should -Be @('x', 'y')
        $summary = ($info | Where-Object { $_.Tags -contains 'Summary' }).MessageData
        $summary.Verified | Should -Be 2
        $summary.Mismatched | Should -Be 1
        $summary.ToString() | Should -Match '2 verified \(1 differed and were sent again\)'
        (Get-ImUserAttribute x, y -Connection $lateConnection).Attributes.tier | Should -Be @('gold', 'gold')
    }

    It 'reports a write that stays different as ImVerifyMismatch, targeting the user, with expected and found values' {
        $done = Set-ImUserAttribute -UserId lost1 -Attribute @{ tier = 'gold' } -Verify -PassThru -Connection $lostConnection -ErrorVariable failed -ErrorAction SilentlyContinue -InformationVariable info
        $done | Should -BeNullOrEmpty
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ImVerifyMismatch,*'
        $failed[0].TargetObject | Should -Be 'lost1'
        $failed[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $failed[0].Exception.Message | Should -BeLike "*User 'lost1'*expected tier='gold'; found tier not set*"
        $failed[0].Exception.Message | Should -Not -Match ([regex]::Escape([System.Net.NetworkCredential]::new('', $lost.SecretKey).Password))
        $summary = ($info | Where-Object { $_.Tags -contains 'Summary' }).MessageData
        $summary.FailedByErrorId['ImVerifyMismatch'] | Should -Be 1
        $summary.Mismatched | Should -Be 1
    }

    It 'stops the command under -ErrorAction Stop with ImVerifyMismatch' {
        { Set-ImUserAttribute -UserId lost2 -Attribute @{ tier = 'gold' } -Verify -Connection $lostConnection -ErrorAction Stop } |
            Should -Throw -ErrorId 'ImVerifyMismatch,TencentImAttr.Cmdlets.SetImUserAttributeCommand'
    }

    It 'verifies every write cmdlet against an emulator that applies them, one read per call' {
        Set-ImUserAttribute -UserId (1..150 | ForEach-Object { "v$_" }) -Attribute @{ tier = 'gold'; city = 'Tokyo' } -Verify -Connection $plainConnection -InformationVariable i1
        Remove-ImUserAttribute -UserId (1..150 | ForEach-Object { "v$_" }) -Name city -Verify -Force -Connection $plainConnection -InformationVariable i2
        Add-ImUserTag -UserId v1, v2 -Tag (1..12 | ForEach-Object { "t$_" }) -Verify -Connection $plainConnection -InformationVariable i3
        Remove-ImUserTag -UserId v1 -Tag t1 -Verify -Force -Connection $plainConnection -InformationVariable i4
        Clear-ImUserTag -UserId v2 -Verify -Force -Connection $plainConnection -InformationVariable i5
        $counts = foreach ($info in $i1, $i2, $i3, $i4, $i5) { ($info | Where-Object { $_.Tags -contains 'Summary' }).MessageData }
        $counts.Verified | Should -Be @(150, 150, 2, 1, 1)
        $counts.Mismatched | Should -Be @(0, 0, 0, 0, 0)
        $counts.Failed | Should -Be @(0, 0, 0, 0, 0)
        (Get-ImUserAttribute v150 -Connection $plainConnection).Attributes.Keys | Should -Be @('tier')
        (Get-ImUserTag v1, v2 -Connection $plainConnection).Tags.Count | Should -Be 11
    }

    It 'writes a verbose line for each read-back call, as for every call' {
        $lines = Set-ImUserAttribute -UserId w1 -Attribute @{ tier = 'gold' } -Verify -Connection $plainConnection -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        @($lines -match '^im_get_attr: 1 user\(s\), attempt 1, \d+ ms, OK$').Count | Should -Be 1
        @($lines -match '^im_set_attr: 1 user\(s\), attempt 1, \d+ ms, OK$').Count | Should -Be 1
    }

    It 'refuses -VerifySettleSec without -Verify before sending anything' {
        { Set-ImUserAttribute -UserId a -Attribute @{ tier = 'x' } -VerifySettleSec 5 -Connection $plainConnection } |
            Should -Throw -ErrorId 'VerifySettleWithoutVerify,TencentImAttr.Cmdlets.SetImUserAttributeCommand'
        (Get-ImUserAttribute a -Connection $plainConnection).Attributes.Count | Should -Be 0
        { Set-ImUserAttribute -UserId a -Attribute @{ tier = 'x' } -Verify -VerifySettleSec 3601 -Connection $plainConnection } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }
}
