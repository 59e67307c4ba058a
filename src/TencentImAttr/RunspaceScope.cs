using System.Management.Automation.Runspaces;

namespace TencentImAttr;

/// <summary>The scope of the session's connection (<see cref="Core.Connection.ImSession"/>): the runspace the command runs in.</summary>
internal static class RunspaceScope
{
    // A command always runs on a thread with a default runspace; this stands in where there is none (a bare thread).
    private static readonly object NoRunspace = new();

    /// <summary>The calling thread's runspace.</summary>
    public static object Current => (object?)Runspace.DefaultRunspace ?? NoRunspace;
}
