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
        try
        {
            return cmdlet.ShouldProcess(target, action);
        }
        catch (System.Exception e) when (e is System.NullReferenceException or PSInvalidOperationException or HostException)
        {
            // The host cannot ask: pwsh -NonInteractive (PowerShell's own "Read and Prompt functionality is not
            // available"), or the console host reading the answer from a standard input that is redirected and at its
            // end (`pwsh -File script.ps1 </dev/null`, a cron job: a NullReferenceException). Said once, plainly, with
            // what to give instead.
            throw new PSInvalidOperationException(
                $"{cmdlet.MyInvocation.MyCommand.Name} would {action} ({target}), and this host cannot ask for confirmation (it is non-interactive: pwsh -NonInteractive, or a standard input that is redirected and has ended): nothing was sent. Give -Force or -Confirm:$false to go on without asking, or -WhatIf to see what would be done.", e);
        }
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
        // A NullReferenceException here is the console host's: it reads the answer from a standard input that is
        // redirected and at its end (`pwsh -File script.ps1 </dev/null`, a cron job), as a new admin's trial showed;
        // that host cannot ask either.
        catch (System.Exception e) when (e is HostException or PSInvalidOperationException or System.NotImplementedException or System.NullReferenceException)
        {
            var command = _cmdlet.MyInvocation.MyCommand.Name;
            // In a -Replace sync the set calls of the batch go before its remove call: those users are reported as
            // ReplacePartlyApplied, not as untouched.
            var sets = _cmdlet is Cmdlets.SetImUserAttributeCommand
                ? " The values this sync batch sets may have been written already; its users whose set landed are reported as ReplacePartlyApplied."
                : "";
            throw new RunRefusedException(new ItemFailure(new System.InvalidOperationException(
                $"{command} would now {Lower(action)} ({target}), and this host cannot ask for confirmation (it is non-interactive): nothing more was sent, so nothing was removed by this call.{sets} Give {_skip} to remove without asking, or -WhatIf to see every removal first.", e),
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
