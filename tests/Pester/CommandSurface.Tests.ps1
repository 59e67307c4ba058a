#Requires -Version 7.2
# The commands as PowerShell sees them (CommandMetadata, Get-Command's parameter sets): ShouldProcess and
# ConfirmImpact, default sets, what takes the pipeline, the shape every bulk cmdlet shares. These replace the
# reflection tests that used to stand in for PowerShell.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../../out/TencentImAttr/TencentImAttr.psd1') -Force
    $all = Get-Command -Module TencentImAttr
    # A bulk cmdlet is one that takes both an explicit -UserId list and -InputObject from the pipeline.
    $bulk = $all | Where-Object { $_.Parameters.ContainsKey('UserId') -and $_.Parameters.ContainsKey('InputObject') } |
        ForEach-Object { @{ Name = $_.Name } }
    $changing = $all | Where-Object { $_.Verb -in 'Set', 'Remove', 'Add', 'Clear' } | ForEach-Object { @{ Name = $_.Name } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/TencentImAttr/TencentImAttr.psd1') -Force
    function Get-Metadata([string] $Name) { [System.Management.Automation.CommandMetadata]::new((Get-Command $Name)) }
}

Describe 'ShouldProcess and ConfirmImpact' {
    It '<Name> supports ShouldProcess' -ForEach $changing {
        (Get-Metadata $Name).SupportsShouldProcess | Should -BeTrue
    }

    It 'removing and replacing are High impact, setting is Medium, reading asks nothing' {
        (Get-Metadata Remove-ImUserAttribute).ConfirmImpact | Should -Be 'High'
        (Get-Metadata Set-ImAppAttributeName).ConfirmImpact | Should -Be 'High'
        (Get-Metadata Set-ImUserAttribute).ConfirmImpact | Should -Be 'Medium'
        (Get-Metadata Add-ImUserTag).ConfirmImpact | Should -Be 'Medium'
        (Get-Metadata Get-ImUserTag).SupportsShouldProcess | Should -BeFalse
        (Get-Metadata Get-ImUserAttribute).SupportsShouldProcess | Should -BeFalse
        foreach ($command in Get-Command -Module TencentImAttr -Verb Clear, Remove) {
            (Get-Metadata $command.Name).ConfirmImpact | Should -Be 'High' -Because $command.Name
        }
    }
}

Describe 'The shape every bulk cmdlet shares' {
    It 'finds the bulk cmdlets it checks (so the checks below cannot pass by finding none)' {
        $found = Get-Command -Module TencentImAttr | Where-Object { $_.Parameters.ContainsKey('UserId') -and $_.Parameters.ContainsKey('InputObject') }
        $found.Name | Should -Contain 'Set-ImUserAttribute'
        $found.Name | Should -Contain 'Get-ImUserAttribute'
        $found.Name | Should -Contain 'Remove-ImUserAttribute'
        $found.Name | Should -Contain 'Add-ImUserTag'
        $found.Name | Should -Contain 'Clear-ImUserTag'
    }

    It '<Name>: ByUserId is the default set; -UserId is a mandatory positional string[] with the To_Account and Account aliases' -ForEach $bulk {
        $command = Get-Command $Name
        $command.DefaultParameterSet | Should -Be 'ByUserId'
        $userId = $command.Parameters['UserId']
        $userId.ParameterType | Should -Be ([string[]])
        $userId.Aliases | Should -Be @('To_Account', 'Account')
        $userId.ParameterSets.Keys | Should -Be @('ByUserId')
        $userId.ParameterSets['ByUserId'].IsMandatory | Should -BeTrue
        $userId.ParameterSets['ByUserId'].Position | Should -Be 0
    }

    It '<Name>: only -InputObject (a PSObject, mandatory, in ByInputObject) takes the pipeline, by value only' -ForEach $bulk {
        # A string[] bound from the pipeline would turn any object into a "user id" by ToString(); the core reads
        # InputObject and reports an object that names no user instead.
        $command = Get-Command $Name
        $fromPipeline = $command.Parameters.Values | Where-Object {
            $_.ParameterSets.Values | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName }
        }
        $fromPipeline.Name | Should -Be 'InputObject'
        $input = $command.Parameters['InputObject']
        $input.ParameterType | Should -Be ([psobject])
        $input.ParameterSets.Keys | Should -Be @('ByInputObject')
        $input.ParameterSets['ByInputObject'].ValueFromPipeline | Should -BeTrue
        $input.ParameterSets['ByInputObject'].ValueFromPipelineByPropertyName | Should -BeFalse
        $input.ParameterSets['ByInputObject'].IsMandatory | Should -BeTrue
    }

    It '<Name>: takes -Connection (an ImConnection), and -ThrottleLimit and -MaxRetry within ranges' -ForEach $bulk {
        $parameters = (Get-Command $Name).Parameters
        $parameters['Connection'].ParameterType.FullName | Should -Be 'TencentImAttr.Core.Connection.ImConnection'
        foreach ($tuning in 'ThrottleLimit', 'MaxRetry') {
            $range = $parameters[$tuning].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateRangeAttribute] }
            $range | Should -Not -BeNullOrEmpty -Because "-$tuning needs a range"
        }
    }
}

Describe 'Cmdlet-specific parameters' {
    It 'Set-ImUserAttribute: -Attribute (a table) is mandatory at position 1 with -UserId, optional with pipeline input' {
        $attribute = (Get-Command Set-ImUserAttribute).Parameters['Attribute']
        $attribute.ParameterType | Should -Be ([System.Collections.IDictionary])
        $attribute.ParameterSets['ByUserId'].IsMandatory | Should -BeTrue
        $attribute.ParameterSets['ByUserId'].Position | Should -Be 1
        $attribute.ParameterSets['ByInputObject'].IsMandatory | Should -BeFalse
    }

    It 'Remove-ImUserAttribute: -Name is mandatory at position 1 with -UserId, optional from the pipeline object, and completes' {
        $name = (Get-Command Remove-ImUserAttribute).Parameters['Name']
        $name.ParameterSets['ByUserId'].IsMandatory | Should -BeTrue
        $name.ParameterSets['ByUserId'].Position | Should -Be 1
        $name.ParameterSets['ByInputObject'].IsMandatory | Should -BeFalse
        $name.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] } | Should -Not -BeNullOrEmpty
    }

    It 'Connect-ImApp: -SecretKey is a SecureString, -Credential a PSCredential, -UserSig a string, one per set; -Region lists the regions' {
        $parameters = (Get-Command Connect-ImApp).Parameters
        $parameters['SecretKey'].ParameterType | Should -Be ([securestring])
        $parameters['SecretKey'].ParameterSets.Keys | Should -Be @('SecretKey')
        $parameters['Credential'].ParameterType | Should -Be ([pscredential])
        $parameters['Credential'].ParameterSets.Keys | Should -Be @('Credential')
        $parameters['UserSig'].ParameterSets.Keys | Should -Be @('UserSig')
        $regions = ($parameters['Region'].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }).ValidValues
        $regions | Should -Contain 'China'
        $regions | Should -Contain 'Riyadh'
        $parameters.Values.ParameterType | Where-Object { [System.Net.Http.HttpMessageHandler].IsAssignableFrom($_) } | Should -BeNullOrEmpty
    }
}
