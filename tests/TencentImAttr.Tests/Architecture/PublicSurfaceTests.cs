using System;
using System.Linq;
using System.Reflection;
using TencentImAttr.Cmdlets;
using TencentImAttr.Core.Connection;
using Xunit;

namespace TencentImAttr.Tests.Architecture;

/// <summary>
/// Every public type is a contract a script can reach as [TencentImAttr...]. Public is only what scripts hold: the
/// connection, the output models, the enums and exceptions they read or catch, and, in the module, the cmdlets with
/// what PowerShell itself must reach (their base classes, the completers, the module initializer, the format views' text helper). A new public type
/// fails here until it is added on purpose.
/// </summary>
public class PublicSurfaceTests
{
    private static string[] Exported(Assembly assembly) =>
        assembly.GetExportedTypes().Select(t => t.FullName!).OrderBy(n => n, StringComparer.Ordinal).ToArray();

    [Fact]
    public void Core_exposes_only_what_scripts_hold()
    {
        Assert.Equal(new[]
        {
            "TencentImAttr.Core.Api.ImService",
            "TencentImAttr.Core.Connection.ImConnection",
            "TencentImAttr.Core.Errors.ImApiException",
            "TencentImAttr.Core.Errors.ImErrorCategory",
            "TencentImAttr.Core.Errors.ImFailureKind",
            "TencentImAttr.Core.Errors.ImInputException",
            "TencentImAttr.Core.Errors.ImRunStoppedException",
            "TencentImAttr.Models.AppAttributeName",
            "TencentImAttr.Models.AttributeAccountType",
            "TencentImAttr.Models.AttributeDrift",
            "TencentImAttr.Models.AttributeValueChange",
            "TencentImAttr.Models.BulkRunSummary",
            "TencentImAttr.Models.RemovedUserAttributes",
            "TencentImAttr.Models.RunJournalHeader",
            "TencentImAttr.Models.RunJournalPart",
            "TencentImAttr.Models.RunJournalRecord",
            "TencentImAttr.Models.RunUndoStep",
            "TencentImAttr.Models.RunUndoSummary",
            "TencentImAttr.Models.TagDrift",
            "TencentImAttr.Models.UserAttributes",
            "TencentImAttr.Models.UserTags",
        }, Exported(typeof(ImConnection).Assembly));
    }

    [Fact]
    public void The_module_exposes_its_cmdlets_and_what_PowerShell_must_reach()
    {
        Assert.Equal(new[]
        {
            "TencentImAttr.AttributeNameCompleter",
            "TencentImAttr.AttributeTableCompleter",
            "TencentImAttr.Cmdlets.AddImUserTagCommand",
            "TencentImAttr.Cmdlets.ClearImUserTagCommand",
            "TencentImAttr.Cmdlets.ConnectImAppCommand",
            "TencentImAttr.Cmdlets.DisconnectImAppCommand",
            "TencentImAttr.Cmdlets.GetImAppAttributeNameCommand",
            "TencentImAttr.Cmdlets.GetImConnectionCommand",
            "TencentImAttr.Cmdlets.GetImLastRunCommand",
            "TencentImAttr.Cmdlets.GetImRunJournalCommand",
            "TencentImAttr.Cmdlets.GetImUserAttributeCommand",
            "TencentImAttr.Cmdlets.GetImUserTagCommand",
            "TencentImAttr.Cmdlets.RemoveImUserAttributeCommand",
            "TencentImAttr.Cmdlets.RemoveImUserTagCommand",
            "TencentImAttr.Cmdlets.SetImAppAttributeNameCommand",
            "TencentImAttr.Cmdlets.SetImUserAttributeCommand",
            "TencentImAttr.Cmdlets.UndoImRunCommand",
            "TencentImAttr.ImBulkCmdlet",
            "TencentImAttr.ImCmdlet",
            "TencentImAttr.ImWriteCmdlet",
            "TencentImAttr.ModuleInitializer",
            "TencentImAttr.TagCompleter",
            "TencentImAttr.ViewText", // called by the format views' script blocks
        }, Exported(typeof(SetImUserAttributeCommand).Assembly));
    }

    [Fact]
    public void Public_members_of_the_core_show_no_internal_type()
    {
        // A public member whose type is internal would not compile; this guards what reflection adds: none of the
        // public constructors lets a script build a connection or an exception around the module's checks.
        var core = typeof(ImConnection).Assembly;
        var constructors = core.GetExportedTypes().Where(t => t.Namespace!.StartsWith("TencentImAttr.Core", StringComparison.Ordinal))
            .SelectMany(t => t.GetConstructors()).Select(c => c.DeclaringType!.Name).ToArray();
        Assert.Empty(constructors);
    }
}
