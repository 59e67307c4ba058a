@{
    RootModule           = 'TencentImAttr.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '5d6c2f1e-7a4b-4c8e-9f3a-2b1d0e6a9c47'
    Author               = 'TencentImAttr contributors'
    CompanyName          = 'TencentImAttr contributors'
    Copyright            = '(c) TencentImAttr contributors. MIT License.'
    Description          = 'Set, read and remove Tencent Cloud IM (Chat) user attributes in bulk from PowerShell: pipeline input, 100 users per call, as fast as the API quota allows.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('TencentImAttr.format.ps1xml')
    CmdletsToExport      = @(
        'Add-ImUserTag'
        'Clear-ImUserTag'
        'Connect-ImApp'
        'Disconnect-ImApp'
        'Get-ImAppAttributeName'
        'Get-ImConnection'
        'Get-ImUserAttribute'
        'Get-ImUserTag'
        'Remove-ImUserAttribute'
        'Remove-ImUserTag'
        'Set-ImAppAttributeName'
        'Set-ImUserAttribute'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Tencent', 'TencentCloud', 'IM', 'Chat', 'TIM', 'Push', 'UserAttributes', 'UserTags', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ReleaseNotes = 'First release: Set-, Get- and Remove-ImUserAttribute over one HTTP core; Get-Help for every cmdlet, format views, Windows PowerShell 5.1 support.'
            ProjectUri   = 'https://github.com/tencentimattr/TencentImAttr'
            LicenseUri   = 'https://github.com/tencentimattr/TencentImAttr/blob/main/LICENSE'
        }
    }
}
