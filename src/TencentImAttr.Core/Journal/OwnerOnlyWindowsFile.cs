using System;
using System.IO;
using System.Reflection;

namespace TencentImAttr.Core.Journal;

/// <summary>
/// Windows: a new file whose ACL lets only the current user in, set by the create call itself (the security
/// descriptor goes with CreateFile), never changed after. Its DACL is protected (nothing inherited from the folder)
/// and holds one entry: full access for the user's SID. Found by reflection, as the Unix create mode is, because this
/// assembly targets netstandard2.0 and ships no access-control package: on PowerShell 7 (.NET 8 and later)
/// <c>FileSystemAclExtensions.Create</c>, on Windows PowerShell 5.1 (.NET Framework) the <c>FileStream</c>
/// constructor that takes a <c>FileSecurity</c>. Only the descriptor's text and the finding of the members are tested
/// (on Linux); the create itself has not been run on Windows.
/// </summary>
internal static class OwnerOnlyWindowsFile
{
    /// <summary>The security descriptor (SDDL) of a file only <paramref name="userSid"/> may use: a protected DACL with one allow-full-access entry.</summary>
    internal static string Sddl(string userSid) => "D:P(A;;FA;;;" + userSid + ")";

    /// <summary>The rights the journal's handle is opened with (it only writes): FileSystemRights "Write, Synchronize".</summary>
    internal const string Rights = "Write, Synchronize";

    /// <summary>Creates <paramref name="path"/> (it must not exist), owner-only from the start, open for writing, shared for reading.</summary>
    public static FileStream Create(string path)
    {
        var api = Find() ?? throw new PlatformNotSupportedException("This .NET offers no way to create a file with an access list (FileSystemAclExtensions or FileSecurity), so no journal is written: it would hold user data readable by others.");
        var security = Activator.CreateInstance(api.Security)!;
        api.Security.GetMethod("SetSecurityDescriptorSddlForm", new[] { typeof(string) })!.Invoke(security, new object[] { Sddl(api.CurrentUserSid()) });
        var rights = Enum.Parse(api.RightsType, Rights);
        try
        {
            return api.CreateWith is { } create
                ? (FileStream)create.Invoke(null, new[] { new FileInfo(path), FileMode.CreateNew, rights, FileShare.Read, 4096, FileOptions.None, security })!
                : (FileStream)api.StreamConstructor!.Invoke(new[] { path, FileMode.CreateNew, rights, FileShare.Read, 4096, FileOptions.None, security });
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>The members the create uses, as this runtime has them; null when it has none.</summary>
    internal static Api? Find()
    {
        // .NET 5 and later: the access-control assembly of the shared framework.
        var security = Type.GetType("System.Security.AccessControl.FileSecurity, System.IO.FileSystem.AccessControl", throwOnError: false)
            ?? typeof(FileStream).Assembly.GetType("System.Security.AccessControl.FileSecurity", throwOnError: false);
        var rights = security?.Assembly.GetType("System.Security.AccessControl.FileSystemRights", throwOnError: false);
        var identity = Type.GetType("System.Security.Principal.WindowsIdentity, System.Security.Principal.Windows", throwOnError: false)
            ?? typeof(object).Assembly.GetType("System.Security.Principal.WindowsIdentity", throwOnError: false);
        if (security is null || rights is null || identity is null) return null;
        var extensions = security.Assembly.GetType("System.IO.FileSystemAclExtensions", throwOnError: false);
        var create = extensions?.GetMethod("Create", new[] { typeof(FileInfo), typeof(FileMode), rights, typeof(FileShare), typeof(int), typeof(FileOptions), security });
        var constructor = create is null ? typeof(FileStream).GetConstructor(new[] { typeof(string), typeof(FileMode), rights, typeof(FileShare), typeof(int), typeof(FileOptions), security }) : null;
        var getCurrent = identity.GetMethod("GetCurrent", Type.EmptyTypes);
        var user = identity.GetProperty("User");
        if ((create is null && constructor is null) || getCurrent is null || user is null) return null;
        return new Api(security, rights, create, constructor, getCurrent, user);
    }

    /// <summary>What <see cref="Find"/> found.</summary>
    internal sealed class Api
    {
        private readonly MethodInfo _getCurrent;
        private readonly PropertyInfo _user;

        internal Api(Type security, Type rightsType, MethodInfo? createWith, ConstructorInfo? streamConstructor, MethodInfo getCurrent, PropertyInfo user)
        {
            Security = security;
            RightsType = rightsType;
            CreateWith = createWith;
            StreamConstructor = streamConstructor;
            _getCurrent = getCurrent;
            _user = user;
        }

        /// <summary>System.Security.AccessControl.FileSecurity.</summary>
        public Type Security { get; }

        /// <summary>System.Security.AccessControl.FileSystemRights.</summary>
        public Type RightsType { get; }

        /// <summary>FileSystemAclExtensions.Create(FileInfo, FileMode, FileSystemRights, FileShare, int, FileOptions, FileSecurity) (.NET 5 and later).</summary>
        public MethodInfo? CreateWith { get; }

        /// <summary>FileStream(string, FileMode, FileSystemRights, FileShare, int, FileOptions, FileSecurity) (.NET Framework).</summary>
        public ConstructorInfo? StreamConstructor { get; }

        /// <summary>The SID of the user this process runs as (WindowsIdentity.GetCurrent().User), e.g. S-1-5-21-...-1001.</summary>
        public string CurrentUserSid()
        {
            var identity = _getCurrent.Invoke(null, null);
            try
            {
                return _user.GetValue(identity)?.ToString() ?? throw new PlatformNotSupportedException("The current Windows identity has no user SID, so the journal cannot be made owner-only.");
            }
            finally
            {
                (identity as IDisposable)?.Dispose();
            }
        }
    }
}
