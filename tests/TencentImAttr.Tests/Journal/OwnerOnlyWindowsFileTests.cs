using System;
using System.IO;
using System.Security.AccessControl;
using TencentImAttr.Core.Journal;
using Xunit;

namespace TencentImAttr.Tests.Journal;

/// <summary>
/// The Windows journal file's owner-only ACL, as far as it can be checked off Windows: the descriptor it is created
/// with, and the members the create calls, found on this runtime. The create itself has not been run on Windows.
/// </summary>
public sealed class OwnerOnlyWindowsFileTests
{
    [Fact]
    public void TheDescriptorIsAProtectedDaclWithOneFullAccessEntryForTheUser()
    {
        // D: the DACL; P: protected (no entry inherited from the folder); one ACE: A(llow), no flags, FA (file all access), the user's SID.
        Assert.Equal("D:P(A;;FA;;;S-1-5-21-1004336348-1177238915-682003330-1001)", OwnerOnlyWindowsFile.Sddl("S-1-5-21-1004336348-1177238915-682003330-1001"));
    }

    [Fact]
    public void TheMembersTheCreateCalls_AreFoundOnThisRuntime_AsOnPowerShell7()
    {
        var api = OwnerOnlyWindowsFile.Find();
        Assert.NotNull(api);
        Assert.Equal(typeof(FileSecurity), api!.Security);
        Assert.Equal(typeof(FileSystemRights), api.RightsType);
        Assert.NotNull(api.CreateWith);
        Assert.Null(api.StreamConstructor);
        Assert.Equal(typeof(FileStream), api.CreateWith!.ReturnType);
        // Write (WriteData, AppendData, WriteExtendedAttributes, WriteAttributes: 0x116) and Synchronize (0x100000), as numbers: the enum's members are Windows-only to the analyzer.
        Assert.Equal(0x116 | 0x100000, Convert.ToInt32(Enum.Parse(api.RightsType, OwnerOnlyWindowsFile.Rights), System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotNull(api.Security.GetMethod("SetSecurityDescriptorSddlForm", new[] { typeof(string) }));
    }
}
