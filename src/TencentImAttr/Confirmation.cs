using System.Management.Automation;
using System.Management.Automation.Host;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;

namespace TencentImAttr;

/// <summary>
/// The one home of asking before a write: the AWS.Tools order of precedence, -WhatIf over -Force over -Confirm, and
/// the question that removals always ask (<see cref="RemovalQuestion"/>).
/// </summary>
internal static class Confirmation
{
    /// <summary>ShouldProcess, unless -Force (which -WhatIf still beats).</summary>
    public static bool ShouldContinue(PSCmdlet cmdlet, bool force, string target, string action)
    {
        if (force && !WhatIf(cmdlet))
        {
            return true;
        }
        return cmdlet.ShouldProcess(target, action);
    }

    /// <summary>Whether ShouldProcess answers what-if: -WhatIf given, or $WhatIfPreference where it is not.</summary>
    public static bool WhatIf(PSCmdlet cmdlet) => cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)
        ? w is SwitchParameter { IsPresent: true }
        : LanguagePrimitives.IsTrue(cmdlet.GetVariableValue("WhatIfPreference"));
}

/// <summary>
/// The question asked before each call that removes data as a side of another write (Set-ImUserAttribute -Replace's
/// removes, Add-ImUserTag -Replace's whole-list replace): asked even at the default $ConfirmPreference, with Yes, Yes
/// to All, No and No to All (ShouldContinue), the text naming the users and what goes. -WhatIf shows the call and
/// sends nothing; -Force or an explicit -Confirm:$false skips the question ($ConfirmPreference = 'None' too: a
/// script's own "never ask"); an explicit -Confirm, or $ConfirmPreference at Medium or Low, asks through ShouldProcess
/// alone (one question, not two). A host that cannot ask (pwsh -NonInteractive, a runspace without a
/// UI) removes nothing: the run stops there with one error, RemovalNotConfirmed.
/// </summary>
internal sealed class RemovalQuestion
{
    private readonly PSCmdlet _cmdlet;
    private readonly bool _force;
    private readonly string _skip;
    private bool _yesToAll;
    private bool _noToAll;

    /// <param name="cmdlet">The cmdlet that asks.</param>
    /// <param name="force">-Force.</param>
    /// <param name="skip">How this command removes without asking, for the refusal's text ("-Force or -Confirm:$false").</param>
    public RemovalQuestion(PSCmdlet cmdlet, bool force, string skip = "-Force or -Confirm:$false")
    {
        _cmdlet = cmdlet;
        _force = force;
        _skip = skip;
    }

    /// <summary>Whether the call that removes <paramref name="action"/> from <paramref name="target"/> may go; on the pipeline thread.</summary>
    public bool Ask(string target, string action)
    {
        if (Confirmation.WhatIf(_cmdlet)) return _cmdlet.ShouldProcess(target, action);
        if (_force) return true;
        try
        {
            if (_cmdlet.MyInvocation.BoundParameters.TryGetValue("Confirm", out var confirm))
            {
                return confirm is not SwitchParameter { IsPresent: true } || _cmdlet.ShouldProcess(target, action);
            }
            // $ConfirmPreference = 'None' is a script's own "never ask" (ShouldProcess then only writes its -Verbose
            // line); at Medium or Low, ShouldProcess asks the question itself (one question, not two).
            var preference = Preference();
            if (preference is ConfirmImpact.None or ConfirmImpact.Low or ConfirmImpact.Medium) return _cmdlet.ShouldProcess(target, action);
            if (!_cmdlet.ShouldProcess(target, action)) return false;
            return _cmdlet.ShouldContinue($"{action}: {target}.", "Confirm removal", ref _yesToAll, ref _noToAll);
        }
        catch (System.Exception e) when (e is HostException or PSInvalidOperationException or System.NotImplementedException)
        {
            var command = _cmdlet.MyInvocation.MyCommand.Name;
            throw new RunRefusedException(new ItemFailure(new System.InvalidOperationException(
                $"{command} would now {Lower(action)} ({target}), and this host cannot ask for confirmation (it is non-interactive): nothing more was sent, so nothing was removed by this call. Give {_skip} to remove without asking, or -WhatIf to see every removal first.", e),
                ErrorIds.RemovalNotConfirmed, ImErrorCategory.PermissionDenied, target));
        }
    }

    private ConfirmImpact Preference()
    {
        try
        {
            return LanguagePrimitives.ConvertTo<ConfirmImpact>(_cmdlet.GetVariableValue("ConfirmPreference") ?? ConfirmImpact.High);
        }
        catch (PSInvalidCastException)
        {
            return ConfirmImpact.High;
        }
    }

    private static string Lower(string action) => action.Length == 0 ? action : char.ToLowerInvariant(action[0]) + action.Substring(1);
}
