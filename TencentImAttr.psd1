@{
    RootModule           = 'TencentImAttr.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '5d6c2f1e-7a4b-4c8e-9f3a-2b1d0e6a9c47'
    Author               = 'TencentImAttr contributors'
    CompanyName          = 'TencentImAttr contributors'
    Copyright            = '(c) TencentImAttr contributors. MIT License.'
    Description          = 'Set, read and remove Tencent Cloud IM (Chat) user attributes and user tags in bulk from PowerShell, for the all-member push API family (all_member_push) or the Push family (Connect-ImApp -Service Push): pipeline input, 100 users per call, as fast as the API quota allows, with a summary of every run.'
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
        'Get-ImLastRun'
        'Get-ImRunJournal'
        'Get-ImUserAttribute'
        'Get-ImUserTag'
        'Remove-ImUserAttribute'
        'Remove-ImUserTag'
        'Set-ImAppAttributeName'
        'Set-ImUserAttribute'
        'Undo-ImRun'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            # Find-PSResource -CommandName finds a module by these tags: one PSCommand_ and one PSCmdlet_ per exported cmdlet.
            Tags         = @(
                'Tencent', 'TencentCloud', 'IM', 'Chat', 'TIM', 'Push', 'UserAttributes', 'UserTags', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS'
                'PSCommand_Add-ImUserTag', 'PSCmdlet_Add-ImUserTag'
                'PSCommand_Clear-ImUserTag', 'PSCmdlet_Clear-ImUserTag'
                'PSCommand_Connect-ImApp', 'PSCmdlet_Connect-ImApp'
                'PSCommand_Disconnect-ImApp', 'PSCmdlet_Disconnect-ImApp'
                'PSCommand_Get-ImAppAttributeName', 'PSCmdlet_Get-ImAppAttributeName'
                'PSCommand_Get-ImConnection', 'PSCmdlet_Get-ImConnection'
                'PSCommand_Get-ImLastRun', 'PSCmdlet_Get-ImLastRun'
                'PSCommand_Get-ImRunJournal', 'PSCmdlet_Get-ImRunJournal'
                'PSCommand_Get-ImUserAttribute', 'PSCmdlet_Get-ImUserAttribute'
                'PSCommand_Get-ImUserTag', 'PSCmdlet_Get-ImUserTag'
                'PSCommand_Remove-ImUserAttribute', 'PSCmdlet_Remove-ImUserAttribute'
                'PSCommand_Remove-ImUserTag', 'PSCmdlet_Remove-ImUserTag'
                'PSCommand_Set-ImAppAttributeName', 'PSCmdlet_Set-ImAppAttributeName'
                'PSCommand_Set-ImUserAttribute', 'PSCmdlet_Set-ImUserAttribute'
                'PSCommand_Undo-ImRun', 'PSCmdlet_Undo-ImRun'
            )
            ReleaseNotes = 'User attributes (Set-, Get-, Remove-ImUserAttribute, with -Replace sync and -Verify read-back) and user tags (Add-, Get-, Remove-, Clear-ImUserTag); the app''s attribute names (Get-, Set-ImAppAttributeName); both API families, all_member_push and Push (Connect-ImApp -Service Push); Get-ImLastRun for the summary of the last bulk run, stopped or not; a run journal (-JournalPath) with Get-ImRunJournal, Undo-ImRun and -Resume; a -Debug wire trace with the key and UserSig scrubbed; Get-Help for every cmdlet, format views, Windows PowerShell 5.1 support.'
            ProjectUri   = 'https://github.com/tencentimattr/TencentImAttr'
            LicenseUri   = 'https://github.com/tencentimattr/TencentImAttr/blob/main/LICENSE'
        }
    }
}
