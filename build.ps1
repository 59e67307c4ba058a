<#
.SYNOPSIS
    Builds, tries, tests and packages the TencentImAttr module.
.DESCRIPTION
    A thin driver over dotnet, run as `dotnet pwsh ./build.ps1` (the repository's tool manifest pins PowerShell 7.6.9;
    `dotnet tool restore` installs it). MSBuild lays the module out in out/TencentImAttr/, ready for Import-Module.

    -Task Build    builds the solution (zero warnings: warnings are errors).
    -Task Try      builds, starts the emulator on a free loopback port and opens a pwsh session with the module
                   imported and connected to it; the emulator stops when that session exits. Without an interactive
                   console (CI, redirected input, -NonInteractive) it runs tools/QuickStart.ps1 instead and exits.
    -Task Test     builds, then runs every test: the xunit suites, the PowerShell syntax check (PowerShell's own
                   parser over every .ps1/.psd1/.psm1) and the Pester suites (Pester 5.9.1 is restored from NuGet into
                   out/tools/packages/ when missing, never into the user's modules). It prints the time of each stage
                   and ends with "N passed, N failed"; out/test-results/ holds the TRX and Pester results and
                   summary.json. It fails when any test fails, or when a suite did not run.
    -Task Soak     builds once, then runs the whole of -Task Test -Count times (default 10), each round in its own pwsh
                   with two CPU-burning processes beside it, as on a loaded machine; it ends with every test that
                   failed at least once, by name with its count of failed rounds (out/soak/ holds each round's log and
                   summary, and soak.json). A test that fails here depends on timing. Not part of CI: it takes
                   -Count times as long as -Task Test.
    -Task Package  copies the publishable module to out/publish/TencentImAttr/ and checks it with
                   tools/Test-ModulePackage.ps1 (manifest, files, tags, help).
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Try
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Soak -Count 10
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Package -Configuration Release
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Try', 'Test', 'Package', 'Soak')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # -Task Soak: how many rounds of the whole suite.
    [ValidateRange(1, 1000)]
    [int] $Count = 10,

    # Skips the build (the rounds of -Task Soak test what it built once).
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$moduleDir = Join-Path $root 'out/TencentImAttr'
$resultsDir = Join-Path $root 'out/test-results'
$pesterVersion = '5.9.1'

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Stage([string] $Name, [scriptblock] $Body) {
    Write-Host "== $Name" -ForegroundColor Cyan
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    try { & $Body }
    finally { Write-Host ("== {0}: {1:0.0} s" -f $Name, $watch.Elapsed.TotalSeconds) -ForegroundColor Cyan }
}

function Get-PesterModulePath {
    $path = Join-Path $root "out/tools/packages/pester/$pesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $path)) {
        Invoke-Dotnet restore (Join-Path $root 'tools/pester/pester.proj') --packages (Join-Path $root 'out/tools/packages')
    }
    if (-not (Test-Path $path)) { throw "Pester $pesterVersion was restored, but $path is missing." }
    $path
}

# Tencent's own UserSig code (npm tls-sig-api-v2), for the cross-check tests; they report as skipped without it.
function Install-UserSigReference {
    if ($env:TENCENTIM_TLS_SIG_API_V2) { return }
    $dir = Join-Path $root 'out/tools/npm'
    $package = Join-Path $dir 'node_modules/tls-sig-api-v2'
    if (-not (Test-Path (Join-Path $package 'TLSSigAPIv2.js')) -and (Get-Command npm -ErrorAction SilentlyContinue)) {
        $null = New-Item -ItemType Directory -Path $dir -Force
        Push-Location $dir
        try { & npm install --ignore-scripts --no-audit --no-fund --silent tls-sig-api-v2@1.0.2 2>&1 | Out-Host }
        finally { Pop-Location }
    }
    if (Test-Path (Join-Path $package 'TLSSigAPIv2.js')) { $env:TENCENTIM_TLS_SIG_API_V2 = $package }
    else { Write-Warning 'npm or tls-sig-api-v2 is not available: the UserSig cross-check tests will be skipped.' }
}

# Counts from the TRX files of one dotnet test run (one file per test assembly).
function Read-TrxCounts([string] $Directory) {
    $counts = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0; Files = 0; FailedTests = @() }
    foreach ($file in Get-ChildItem -Path $Directory -Filter '*.trx' -ErrorAction SilentlyContinue) {
        $run = ([xml](Get-Content -Raw -LiteralPath $file.FullName)).TestRun
        $counters = $run.ResultSummary.Counters
        foreach ($result in @($run.Results.UnitTestResult | Where-Object { $_ -and $_.outcome -ne 'Passed' -and $_.outcome -ne 'NotExecuted' })) {
            $message = $result.SelectSingleNode('*[local-name()="Output"]/*[local-name()="ErrorInfo"]/*[local-name()="Message"]')
            $counts.FailedTests += Format-FailedTest $result.testName $(if ($message) { $message.InnerText })
        }
        $counts.Passed += [int]$counters.passed
        $counts.Failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $counts.Skipped += [int]$counters.notExecuted
        $counts.Files++
    }
    $counts
}

# One line naming a failed test and the first line of its message, for the list printed at the end of the run.
function Format-FailedTest([string] $Name, [string] $Message) {
    $first = if ($Message) { ($Message.Trim() -split '\r?\n')[0] } else { '' }
    if ($first.Length -gt 240) { $first = $first.Substring(0, 240) + '...' }
    if ($first) { "$Name :: $first" } else { $Name }
}

function Test-PowerShellSyntax {
    $files = Get-ChildItem -Path $root -Recurse -File -Include '*.ps1', '*.psd1', '*.psm1' |
        Where-Object { $_.FullName -notmatch '[\\/](out|bin|obj|node_modules|\.git)[\\/]' }
    $passed = 0; $failed = 0; $failedTests = @()
    foreach ($file in $files) {
        $tokens = $null; $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$tokens, [ref]$errors)
        if ($errors) {
            $failed++
            $failedTests += Format-FailedTest "syntax $($file.FullName)" $errors[0].Message
            foreach ($e in $errors) { Write-Host "syntax error: $($file.FullName):$($e.Extent.StartLineNumber): $($e.Message)" -ForegroundColor Red }
        }
        else { $passed++ }
    }
    Write-Host "syntax: $passed passed, $failed failed ($($files.Count) files)"
    [ordered]@{ Passed = $passed; Failed = $failed; Skipped = 0; FailedTests = $failedTests }
}

function Invoke-PesterSuites {
    Import-Module (Get-PesterModulePath) -Force
    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path $root 'tests/Pester'
    $config.Run.Exit = $false
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputFormat = 'NUnitXml'
    $config.TestResult.OutputPath = Join-Path $resultsDir 'pester.xml'
    $result = Invoke-Pester -Configuration $config
    if ($null -eq $result) {
        Write-Host 'pester: Invoke-Pester returned nothing' -ForegroundColor Red
        return [ordered]@{ Passed = 0; Failed = 1; Skipped = 0; FailedTests = @('Invoke-Pester returned nothing') }
    }
    # A failed BeforeAll or a container that would not load fails no single test: count it as a failure too.
    $failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    $failedTests = @(
        foreach ($test in $result.Failed) { Format-FailedTest $test.ExpandedPath $(if ($test.ErrorRecord) { $test.ErrorRecord[0].ToString() }) }
        foreach ($block in $result.FailedBlocks) { Format-FailedTest "block $($block.ExpandedPath)" $(if ($block.ErrorRecord) { $block.ErrorRecord[0].ToString() }) }
        foreach ($container in $result.FailedContainers) { Format-FailedTest "container $($container.Item)" $(if ($container.ErrorRecord) { $container.ErrorRecord[0].ToString() }) }
    )
    if ($result.TotalCount -eq 0) {
        Write-Host 'pester: no test ran' -ForegroundColor Red
        $failed++
        $failedTests += 'pester: no test ran'
    }
    Write-Host "pester: $($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped"
    [ordered]@{ Passed = $result.PassedCount; Failed = $failed; Skipped = $result.SkippedCount + $result.NotRunCount; FailedTests = $failedTests }
}

function Invoke-Tests {
    if (Test-Path $resultsDir) { Remove-Item $resultsDir -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $resultsDir -Force
    $suites = [ordered]@{}

    Invoke-Stage 'tools for the tests' { Install-UserSigReference; $null = Get-PesterModulePath }

    Invoke-Stage 'xunit' {
        $trx = Join-Path $resultsDir 'xunit'
        & dotnet test (Join-Path $root 'TencentImAttr.sln') -c $Configuration --no-build --blame-hang-timeout 10m `
            --logger 'trx' --logger 'console;verbosity=minimal' --results-directory $trx
        $exit = $LASTEXITCODE
        $counts = Read-TrxCounts $trx
        if ($counts.Files -eq 0) {
            Write-Host 'xunit: dotnet test wrote no TRX file' -ForegroundColor Red
            $counts.Failed++
            $counts.FailedTests += 'xunit: dotnet test wrote no TRX file'
        }
        elseif ($exit -ne 0 -and $counts.Failed -eq 0) {
            Write-Host "xunit: dotnet test exited with $exit" -ForegroundColor Red
            $counts.Failed++
            $counts.FailedTests += "xunit: dotnet test exited with $exit"
        }
        Write-Host "xunit: $($counts.Passed) passed, $($counts.Failed) failed, $($counts.Skipped) skipped ($($counts.Files) assemblies)"
        $suites.xunit = $counts
    }

    Invoke-Stage 'PowerShell syntax' { $suites.syntax = Test-PowerShellSyntax }

    Invoke-Stage 'Pester' { $suites.pester = Invoke-PesterSuites }

    $passed = 0; $failed = 0; $skipped = 0; $failedTests = @()
    foreach ($suite in $suites.Values) {
        $passed += $suite.Passed; $failed += $suite.Failed; $skipped += $suite.Skipped; $failedTests += $suite.FailedTests
        $suite.Remove('FailedTests')
    }
    [ordered]@{ passed = $passed; failed = $failed; skipped = $skipped; failedTests = $failedTests; suites = $suites } |
        ConvertTo-Json -Depth 4 | Set-Content -Path (Join-Path $resultsDir 'summary.json')
    Write-Host ''
    # Named last, where a log's tail shows them.
    foreach ($line in $failedTests) { Write-Host "FAILED $line" -ForegroundColor Red }
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { throw "$failed test(s) failed." }
}

# The command that starts another pwsh like this one: `dotnet pwsh` runs pwsh.dll through dotnet.
function Get-PwshCommand {
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    if (Test-Path $pwshDll) { @{ FilePath = [Environment]::ProcessPath; Prefix = @($pwshDll) } }
    else { @{ FilePath = (Join-Path $PSHOME 'pwsh'); Prefix = @() } }
}

# The name part of a line of summary.json's failedTests ("name :: first line of the message").
function Get-FailedTestName([string] $Line) {
    $at = $Line.IndexOf(' :: ', [StringComparison]::Ordinal)
    if ($at -ge 0) { $Line.Substring(0, $at) } else { $Line }
}

function Invoke-Soak {
    $soakDir = Join-Path $root 'out/soak'
    if (Test-Path $soakDir) { Remove-Item $soakDir -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $soakDir -Force
    $pwsh = Get-PwshCommand
    $failures = @{}
    $burners = @()
    try {
        # Two busy loops, as two other jobs on a two-core machine: every wait in the suite then meets a late thread.
        foreach ($n in 1..2) {
            $burners += Start-Process -FilePath $pwsh.FilePath -PassThru -ArgumentList ($pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-Command', 'while ($true) { }')) `
                -RedirectStandardOutput (Join-Path $soakDir "burner-$n.out") -RedirectStandardError (Join-Path $soakDir "burner-$n.err")
        }
        Write-Host "Soak: $Count round(s) of -Task Test beside $($burners.Count) CPU-burning processes (ids $($burners.Id -join ', '))"
        foreach ($round in 1..$Count) {
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $log = Join-Path $soakDir "round-$round.log"
            $summaryFile = Join-Path $resultsDir 'summary.json'
            if (Test-Path $summaryFile) { Remove-Item $summaryFile -Force }
            & $pwsh.FilePath @($pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'build.ps1'), '-Task', 'Test', '-NoBuild', '-Configuration', $Configuration)) *> $log
            $exit = $LASTEXITCODE
            $names = @()
            if (Test-Path $summaryFile) {
                Copy-Item $summaryFile (Join-Path $soakDir "round-$round.json")
                $summary = Get-Content -Raw $summaryFile | ConvertFrom-Json
                $names = @($summary.failedTests | ForEach-Object { Get-FailedTestName $_ } | Sort-Object -Unique)
                $line = "$($summary.passed) passed, $($summary.failed) failed, $($summary.skipped) skipped"
            }
            else {
                # The round died before it could write its summary: that is a failure of the round itself.
                $names = @("round: no summary.json (exit code $exit, see round-$round.log)")
                $line = 'no summary'
            }
            foreach ($name in $names) { $failures[$name] = 1 + $(if ($failures.ContainsKey($name)) { $failures[$name] } else { 0 }) }
            Write-Host ("Soak round {0}/{1}: {2} ({3:0} s)" -f $round, $Count, $line, $watch.Elapsed.TotalSeconds)
            foreach ($name in $names) { Write-Host "  failed: $name" -ForegroundColor Red }
        }
    }
    finally {
        foreach ($burner in $burners) { Stop-Process -Id $burner.Id -Force -ErrorAction SilentlyContinue }
    }
    $report = @($failures.GetEnumerator() | Sort-Object -Property @{ Expression = 'Value'; Descending = $true }, Name |
        ForEach-Object { [ordered]@{ test = $_.Name; failedRounds = $_.Value } })
    [ordered]@{ rounds = $Count; failedTests = $report } | ConvertTo-Json -Depth 4 | Set-Content -Path (Join-Path $soakDir 'soak.json')
    Write-Host ''
    if ($report.Count -eq 0) {
        Write-Host "Soak: $Count round(s), no test failed."
        return
    }
    Write-Host "Soak: $Count round(s); $($report.Count) test(s) failed at least once:" -ForegroundColor Red
    foreach ($entry in $report) { Write-Host ("  {0}/{1}  {2}" -f $entry.failedRounds, $Count, $entry.test) -ForegroundColor Red }
    throw "$($report.Count) test(s) failed in at least one of $Count round(s)."
}

function Test-Interactive {
    if ($env:CI -or [Console]::IsInputRedirected -or [Console]::IsOutputRedirected) { return $false }
    $commandLine = [Environment]::GetCommandLineArgs()
    -not ($commandLine | Where-Object { $_ -match '^-noni(nteractive)?$' })
}

function Invoke-Try {
    $dev = Join-Path $root 'tools/TencentImAttr.Dev.psm1'
    Import-Module $dev -Force
    $emulator = Start-TestEmulator
    try {
        Write-Host "The emulator listens on $($emulator.BaseUri)"
        $module = Join-Path $moduleDir 'TencentImAttr.psd1'
        $quickStart = Join-Path $root 'tools/QuickStart.ps1'
        if (Test-Interactive) {
            # The key goes to the child session through its environment, never on a command line.
            $env:TENCENTIMATTR_TRY_KEY = [System.Net.NetworkCredential]::new('', $emulator.SecretKey).Password
            $init = @"
Import-Module '$module'
Connect-ImApp -SdkAppId $($emulator.SdkAppId) -Identifier $($emulator.Identifier) -BaseUri '$($emulator.BaseUri)' -SecretKey (ConvertTo-SecureString `$env:TENCENTIMATTR_TRY_KEY -AsPlainText -Force)
Remove-Item Env:TENCENTIMATTR_TRY_KEY
Write-Host 'Connected to the emulator. Try:  . ./tools/QuickStart.ps1   or   Get-Help Set-ImUserAttribute -Examples.   exit stops the emulator.'
"@
            $pwshDll = Join-Path $PSHOME 'pwsh.dll'
            if (Test-Path $pwshDll) { & ([Environment]::ProcessPath) $pwshDll -NoLogo -NoExit -Command $init }
            else { & (Join-Path $PSHOME 'pwsh') -NoLogo -NoExit -Command $init }
        }
        else {
            Import-Module $module -Force
            Connect-TestEmulator -Emulator $emulator
            Write-Host "Running $quickStart against the emulator:"
            & $quickStart | Out-Host
            Disconnect-ImApp
        }
    }
    finally {
        Remove-Item Env:TENCENTIMATTR_TRY_KEY -ErrorAction SilentlyContinue
        Stop-TestEmulator -Emulator $emulator
        Write-Host 'The emulator has stopped.'
    }
}

if (-not $NoBuild) {
    Invoke-Stage 'build' { Invoke-Dotnet build (Join-Path $root 'TencentImAttr.sln') -c $Configuration }
    Write-Host "Module laid out in $moduleDir"
}

switch ($Task) {
    'Try' { Invoke-Try }
    'Test' { Invoke-Tests }
    'Soak' { Invoke-Soak }
    'Package' {
        $publish = Join-Path $root 'out/publish/TencentImAttr'
        if (Test-Path $publish) { Remove-Item $publish -Recurse -Force }
        New-Item -ItemType Directory -Path $publish -Force | Out-Null
        Copy-Item -Path (Join-Path $moduleDir '*') -Destination $publish -Recurse
        # Throws, listing every problem: the manifest, the files it names, the PSCommand_/PSCmdlet_ tags, the help.
        $package = & (Join-Path $root 'tools/Test-ModulePackage.ps1') -Path $publish
        Write-Host "Packaged $($package.Name) $($package.Version) in $publish (Publish-PSResource -Path $publish)"
    }
}
