<#
.SYNOPSIS
    Checks a TencentImAttr module folder before it is published: what the README says `./build.ps1 -Task Package` checks.
.DESCRIPTION
    Checks, and reports every problem at once:
    - the manifest is valid (Test-ModuleManifest) and has a version, a description, an author, a release note, and
      absolute HTTPS ProjectUri and LicenseUri;
    - its Gallery tags carry PSEdition_<edition> for each CompatiblePSEditions entry, and exactly one PSCommand_<name>
      and one PSCmdlet_<name> per exported cmdlet (what `Find-PSResource -CommandName` searches), and no tag has a space;
    - the module's files are there: the root module and its core, the format files, System.Text.Json in
      dependencies/, the MAML help with one entry per exported cmdlet, the about_TencentImAttr topic and the LICENSE;
    - nothing that belongs to the tests is shipped (TencentImAttr.Testing.dll).
    Throws when something is wrong; otherwise writes one object: Name, Version, Path, Cmdlets.
.PARAMETER Path
    The module folder: out/publish/TencentImAttr (what the Package task makes) or out/TencentImAttr.
.EXAMPLE
    ./tools/Test-ModulePackage.ps1 -Path out/publish/TencentImAttr
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $Path
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$folder = (Resolve-Path -LiteralPath $Path).ProviderPath
$manifestPath = Join-Path $folder 'TencentImAttr.psd1'
if (-not (Test-Path -LiteralPath $manifestPath)) {
    throw "The package in $folder is not ready to publish: TencentImAttr.psd1 is missing."
}

$problems = [System.Collections.Generic.List[string]]::new()
try {
    $null = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop
}
catch {
    $problems.Add("Test-ModuleManifest: $($_.Exception.Message)")
}

$data = Import-PowerShellDataFile -LiteralPath $manifestPath
function Get-Setting([hashtable] $Table, [string] $Name) {
    if ($Table.ContainsKey($Name)) { $Table[$Name] } else { $null }
}
$psData = Get-Setting (Get-Setting $data 'PrivateData') 'PSData'
if ($null -eq $psData) {
    $problems.Add('The manifest has no PrivateData.PSData (Gallery tags, URIs, release notes).')
    $psData = @{}
}

foreach ($name in 'ModuleVersion', 'Description', 'Author') {
    if ([string]::IsNullOrWhiteSpace((Get-Setting $data $name))) { $problems.Add("The manifest has no $name.") }
}
if ([string]::IsNullOrWhiteSpace((Get-Setting $psData 'ReleaseNotes'))) { $problems.Add('The manifest has no ReleaseNotes.') }
foreach ($name in 'ProjectUri', 'LicenseUri') {
    $uri = $null
    if (-not [uri]::TryCreate([string](Get-Setting $psData $name), [UriKind]::Absolute, [ref] $uri) -or $uri.Scheme -ne 'https') {
        $problems.Add("The manifest's $name is not an absolute https URI: '$(Get-Setting $psData $name)'.")
    }
}

$cmdlets = @(Get-Setting $data 'CmdletsToExport')
if ($cmdlets.Count -eq 0) { $problems.Add('The manifest exports no cmdlet (CmdletsToExport).') }
$tags = @(Get-Setting $psData 'Tags')
foreach ($tag in $tags | Where-Object { $_ -match '\s' }) { $problems.Add("The tag '$tag' has a space; Gallery tags cannot.") }
foreach ($edition in @(Get-Setting $data 'CompatiblePSEditions')) {
    if ("PSEdition_$edition" -notin $tags) { $problems.Add("The tag PSEdition_$edition is missing (CompatiblePSEditions has $edition).") }
}
foreach ($prefix in 'PSCommand_', 'PSCmdlet_') {
    $tagged = @($tags | Where-Object { $_.StartsWith($prefix, [StringComparison]::Ordinal) } | ForEach-Object { $_.Substring($prefix.Length) })
    foreach ($name in $cmdlets | Where-Object { $_ -cnotin $tagged }) { $problems.Add("The tag $prefix$name is missing: Find-PSResource -CommandName $name would not find the module.") }
    foreach ($name in $tagged | Where-Object { $_ -cnotin $cmdlets }) { $problems.Add("The tag $prefix$name names a cmdlet the module does not export.") }
    foreach ($name in $tagged | Group-Object | Where-Object Count -GT 1) { $problems.Add("The tag $prefix$($name.Name) is given $($name.Count) times.") }
}

$required = @(
    (Get-Setting $data 'RootModule')
    'TencentImAttr.Core.dll'
    'dependencies/System.Text.Json.dll'
    'en-US/TencentImAttr.dll-Help.xml'
    'en-US/about_TencentImAttr.help.txt'
    'LICENSE'
) + @(Get-Setting $data 'FormatsToProcess')
foreach ($file in $required | Where-Object { $_ }) {
    if (-not (Test-Path -LiteralPath (Join-Path $folder $file) -PathType Leaf)) { $problems.Add("The file $file is missing.") }
}
foreach ($file in Get-ChildItem -LiteralPath $folder -Recurse -File -Filter 'TencentImAttr.Testing*') {
    $problems.Add("The test helper $($file.Name) must not be shipped.")
}

$helpFile = Join-Path $folder 'en-US/TencentImAttr.dll-Help.xml'
if (Test-Path -LiteralPath $helpFile) {
    $help = [xml](Get-Content -LiteralPath $helpFile -Raw)
    $namespaces = [System.Xml.XmlNamespaceManager]::new($help.NameTable)
    $namespaces.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
    $documented = @($help.SelectNodes('//command:command/command:details/command:name', $namespaces) | ForEach-Object { $_.InnerText.Trim() })
    foreach ($name in $cmdlets | Where-Object { $_ -notin $documented }) { $problems.Add("The help file has no entry for $name.") }
}

if ($problems.Count -gt 0) {
    throw "The package in $folder is not ready to publish ($($problems.Count) problem(s)):`n - " + ($problems -join "`n - ")
}
[pscustomobject]@{
    Name    = 'TencentImAttr'
    Version = [version](Get-Setting $data 'ModuleVersion')
    Path    = $folder
    Cmdlets = $cmdlets.Count
}
