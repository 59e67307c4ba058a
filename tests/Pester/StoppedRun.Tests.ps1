#Requires -Version 7.2
# A bulk command that stops early, in real pwsh against the emulator: a wrong connection ends it with one terminating
# error and nothing more sent; -ErrorAction Stop ends it with an exception that accounts for every user it held, and
# the README's one-line resume finishes the job exactly.

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    Import-Module (Join-Path $root 'out/TencentImAttr/TencentImAttr.psd1') -Force
    Import-Module (Join-Path $root 'tools/TencentImAttr.Dev.psm1') -Force
    $script:emulator = Start-TestEmulator
    $script:c = Connect-TestEmulator $emulator @{ PassThru = $true; NoDefault = $true }
    Set-ImAppAttributeName -Name city -Force -Connection $c
}

AfterAll {
    if ($script:emulator) { Stop-TestEmulator $emulator }
}

Describe 'A run stopped by -ErrorAction Stop' {
    It 'accounts for every user of a 5,000-user run, and the one-line resume applies every user as intended' {
        $rows = foreach ($i in 0..4999) {
            [pscustomobject]@{ UserId = 'stop{0:D4}' -f $i; city = if ($i -eq 1500) { 'x' * 51 } else { 'Tokyo' } }
        }
        $stopped = $null
        try {
            $rows | Set-ImUserAttribute -Connection $c -ErrorAction Stop
        }
        catch {
            $stopped = $_
        }
        $stopped | Should -Not -BeNullOrEmpty
        $stopped.FullyQualifiedErrorId | Should -BeLike 'AttributeValueTooLong,*'
        $e = $stopped.Exception
        $e | Should -BeOfType ([TencentImAttr.Core.Errors.ImRunStoppedException])
        $e.ByCaller | Should -BeTrue
        $e.StoppedAt | Should -Be 1500
        $e.Failed[0] | Should -Be 'stop1500'
        $e.Message | Should -Match '\d+ applied, \d+ failed, \d+ outcome unknown'
        $held = @($e.Applied) + @($e.Failed) + @($e.OutcomeUnknown) + @($e.NotSent)
        @($held | Select-Object -Unique).Count | Should -Be $held.Count
        $held | ForEach-Object { [int]$_.Substring(4) } | Should -Not -BeLessThan 1500
        # Users applied after the stopping point really were applied, though nothing was written for them.
        if ($e.Applied.Count -gt 0) {
            (Get-ImUserAttribute -UserId $e.Applied -Connection $c).Attributes.city | Select-Object -Unique | Should -Be 'Tokyo'
        }

        # The README's resume, with the bad value fixed.
        $rows[1500].city = 'Tokyo'
        $rows | Select-Object -Skip $e.StoppedAt | Where-Object UserId -NotIn $e.Applied | Set-ImUserAttribute -Connection $c -ErrorVariable failed
        $failed | Should -BeNullOrEmpty

        $after = Get-ImUserAttribute -UserId $rows.UserId -Connection $c
        $after.Count | Should -Be 5000
        @($after | Where-Object { $_.Attributes.city -ne 'Tokyo' }).Count | Should -Be 0
    }
}

Describe 'A broken connection' {
    It 'a wrong secret key ends the command with one terminating error that says what to do, and sends nothing more' {
        $wrongKey = ConvertTo-SecureString 'not-the-emulator-key' -AsPlainText -Force
        $bad = Connect-ImApp -SdkAppId $emulator.SdkAppId -Identifier administrator -SecretKey $wrongKey -BaseUri $emulator.BaseUri -PassThru -NoDefault -ThrottleLimit 1 -SkipCheck
        $errors = $null
        $thrown = $null
        try {
            0..249 | ForEach-Object { "bad$_" } | Set-ImUserAttribute -Attribute @{ city = 'Tokyo' } -Connection $bad -ErrorVariable errors
        }
        catch {
            $thrown = $_
        }
        $thrown | Should -Not -BeNullOrEmpty
        $thrown.FullyQualifiedErrorId | Should -Match '^ImApiError70\d\d\d,'
        $thrown.Exception.ByCaller | Should -BeFalse
        # The command's first call is the read of the app's names (issue 22), before any write: only the first user is held.
        $thrown.Exception.Failed | Should -Be @('bad0')
        $thrown.Exception.Message | Should -Match 'secret key|UserSig'
        $thrown.Exception.Message | Should -Match 'not sent'
        # No error per user: the terminating error (as the caller's preference wraps it) is the only one.
        @($errors).Count | Should -BeLessOrEqual 1
    }

    It 'a refused port ends the command with one ImConnectionFailed after the retries of the first call' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $port = $listener.LocalEndpoint.Port
        $listener.Stop()  # nothing listens there now: connecting is refused
        $closed = Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -UserSig 'any' -BaseUri "http://127.0.0.1:$port/" -MaxRetry 0 -PassThru -NoDefault -SkipCheck
        { 0..249 | ForEach-Object { "u$_" } | Get-ImUserAttribute -Connection $closed } |
            Should -Throw -ErrorId 'ImConnectionFailed,*' -ExpectedMessage '*refused the connection*'
    }

    It 'Connect-ImApp fails there, with the same message, on a wrong key; -SkipCheck connects without calling' {
        $wrongKey = ConvertTo-SecureString 'not-the-emulator-key' -AsPlainText -Force
        { Connect-ImApp -SdkAppId $emulator.SdkAppId -Identifier administrator -SecretKey $wrongKey -BaseUri $emulator.BaseUri -PassThru -NoDefault } |
            Should -Throw -ErrorId 'ImApiError70005,*' -ExpectedMessage '*Check the secret key*'
        $offline = Connect-ImApp -SdkAppId $emulator.SdkAppId -Identifier administrator -SecretKey $wrongKey -BaseUri 'http://127.0.0.1:1/' -PassThru -NoDefault -SkipCheck
        $offline.SdkAppId | Should -Be $emulator.SdkAppId
    }

    It 'Connect-ImApp checks with one call and shows the expiry of the UserSig it made' {
        $good = Connect-ImApp -SdkAppId $emulator.SdkAppId -Identifier administrator -SecretKey $emulator.SecretKey -BaseUri $emulator.BaseUri -PassThru -NoDefault
        $good.UserSigExpiresAt | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
        $good.RegisteredNames | Should -Contain 'city'
    }

    It 'refuses a ready UserSig that has expired, with the expiry time, and warns of one that expires within the hour' {
        $expired = New-TestUserSig -SdkAppId $emulator.SdkAppId -Identifier administrator -SecretKey $emulator.SecretKey -LifetimeSeconds -60
        { Connect-ImApp -SdkAppId $emulator.SdkAppId -Identifier administrator -UserSig $expired -BaseUri $emulator.BaseUri -PassThru -NoDefault } |
            Should -Throw -ErrorId 'UserSigExpired,*' -ExpectedMessage '*expired at * UTC*connect with -SecretKey*'
        $soon = New-TestUserSig -SdkAppId $emulator.SdkAppId -Identifier administrator -SecretKey $emulator.SecretKey -LifetimeSeconds 1800
        $c2 = Connect-ImApp -SdkAppId $emulator.SdkAppId -Identifier administrator -UserSig $soon -BaseUri $emulator.BaseUri -PassThru -NoDefault -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -HaveCount 1
        "$warned" | Should -BeLike '*expires at * UTC, in 30 minute(s)*'
        $c2.UserSigExpiresAt | Should -BeLessThan ([DateTimeOffset]::UtcNow.AddHours(1))
    }
}
