using System.Management.Automation;

namespace TencentImAttr;

/// <summary>The AWS.Tools order of precedence: -WhatIf over -Force over -Confirm.</summary>
internal static class Confirmation
{
    public static bool ShouldContinue(PSCmdlet cmdlet, bool force, string target, string action)
    {
        var whatIf = cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)
            ? w is SwitchParameter s && s.IsPresent
            : LanguagePrimitives.IsTrue(cmdlet.GetVariableValue("WhatIfPreference"));
        if (force && !whatIf)
        {
            return true;
        }
        return cmdlet.ShouldProcess(target, action);
    }
}
