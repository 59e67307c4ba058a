<#
.SYNOPSIS
    Builds, tests and packages the TencentImAttr module.
.DESCRIPTION
    A thin driver over dotnet: MSBuild lays the module out in out/TencentImAttr/ (ready for Import-Module);
    -Task Test runs the xunit suite and, when Pester 5 is available, the Pester suite against that layout;
    -Task Package copies the publishable module to out/publish/TencentImAttr/ and validates its manifest.
.EXAMPLE
    ./build.ps1
.EXAMPLE
    ./build.ps1 -Task Test
.EXAMPLE
    ./build.ps1 -Task Package -Configuration Release
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$moduleDir = Join-Path $root 'out/TencentImAttr'

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

Invoke-Dotnet build (Join-Path $root 'TencentImAttr.sln') -c $Configuration
Write-Host "Module laid out in $moduleDir"

if ($Task -eq 'Test') {
    Invoke-Dotnet test (Join-Path $root 'TencentImAttr.sln') -c $Configuration --no-build
    $pester = Get-Module -ListAvailable Pester | Where-Object { $_.Version.Major -eq 5 } | Sort-Object Version -Descending | Select-Object -First 1
    if ($pester) {
        Import-Module $pester
        $config = New-PesterConfiguration
        $config.Run.Path = Join-Path $root 'tests/Pester'
        $config.Run.Exit = $false
        $config.Run.PassThru = $true
        $config.Output.Verbosity = 'Detailed'
        $result = Invoke-Pester -Configuration $config
        if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester test(s) failed." }
    }
    else {
        Write-Warning 'Pester 5 is not installed: the Pester suite was skipped (Install-Module Pester -MinimumVersion 5.0).'
    }
}

if ($Task -eq 'Package') {
    $publish = Join-Path $root 'out/publish/TencentImAttr'
    if (Test-Path $publish) { Remove-Item $publish -Recurse -Force }
    New-Item -ItemType Directory -Path $publish -Force | Out-Null
    Copy-Item -Path (Join-Path $moduleDir '*') -Destination $publish -Recurse
    $manifest = Test-ModuleManifest -Path (Join-Path $publish 'TencentImAttr.psd1')
    Write-Host "Packaged $($manifest.Name) $($manifest.Version) in $publish (Publish-PSResource -Path $publish)"
}
