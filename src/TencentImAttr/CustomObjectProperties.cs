using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Reflection;

namespace TencentImAttr;

/// <summary>
/// The properties of a [pscustomobject] or an Import-Csv row, read from the object's own note properties rather than
/// by enumerating <see cref="PSObject.Properties"/>. That enumeration builds PowerShell's reserved member sets
/// (psbase, psextended, psadapted, psobject) and asks the type table and the .NET adapter, for every object: it was the
/// largest single cost of reading a row on the pipeline thread (issue 25, docs/benchmark.md). The shortcut is taken only
/// where it yields the same list: for each list of type names, the first object is read both ways and the two lists
/// compared, so a member that the type table adds to those types (Update-TypeData) or a hidden member is never lost
/// or gained. Where PowerShell does not expose the instance members (another version), nothing changes.
/// </summary>
internal static class CustomObjectProperties
{
    private static readonly Func<PSObject, IEnumerable<PSMemberInfo>>? InstanceMembers = Accessor<PSObject, IEnumerable<PSMemberInfo>>("InstanceMembers");

    // Public in PowerShell 5 and later, though not in the reference assemblies the module compiles against.
    private static readonly Func<PSMemberInfo, bool>? IsHidden = Accessor<PSMemberInfo, bool>("IsHidden");

    // The last type names checked on this thread (the pipeline thread of a command) and whether their objects'
    // properties are their instance members alone. One entry: a command's rows share their type names.
    [ThreadStatic] private static string[]? t_typeNames;
    [ThreadStatic] private static bool t_instanceOnly;

    /// <summary>
    /// The gettable properties of <paramref name="input"/>, in PowerShell's order, as PSObject.Properties lists them;
    /// null when the shortcut does not apply (the caller then enumerates PSObject.Properties).
    /// </summary>
    public static List<PSPropertyInfo>? TryRead(PSObject input)
    {
        if (InstanceMembers is null || IsHidden is null || input.BaseObject is not PSCustomObject) return null;
        var typeNames = input.TypeNames;
        if (!SameTypeNames(typeNames))
        {
            var names = new string[typeNames.Count];
            typeNames.CopyTo(names, 0);
            t_typeNames = names;
            t_instanceOnly = SameAsPublic(input);
        }
        if (!t_instanceOnly) return null;
        var properties = new List<PSPropertyInfo>();
        foreach (var member in InstanceMembers(input))
        {
            if (member is PSPropertyInfo { IsGettable: true } property && !IsHidden!(property)) properties.Add(property);
        }
        return properties;
    }

    private static bool SameTypeNames(System.Collections.ObjectModel.Collection<string> typeNames)
    {
        var known = t_typeNames;
        if (known is null || known.Length != typeNames.Count) return false;
        for (var i = 0; i < known.Length; i++)
        {
            if (!string.Equals(known[i], typeNames[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }

    /// <summary>Whether the visible properties PowerShell lists for <paramref name="input"/> are its instance members, in the same order.</summary>
    private static bool SameAsPublic(PSObject input)
    {
        var own = new List<PSPropertyInfo>();
        foreach (var member in InstanceMembers!(input))
        {
            if (member is PSPropertyInfo property && !IsHidden!(property)) own.Add(property);
        }
        var i = 0;
        foreach (var listed in input.Properties)
        {
            if (i >= own.Count || !string.Equals(listed.Name, own[i].Name, StringComparison.Ordinal)) return false;
            i++;
        }
        return i == own.Count;
    }

    /// <summary>A getter of <typeparamref name="TOwner"/>'s instance property <paramref name="name"/>, public or not; null when it is not there.</summary>
    private static Func<TOwner, TValue>? Accessor<TOwner, TValue>(string name)
    {
        try
        {
            var getter = typeof(TOwner).GetProperty(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)?.GetGetMethod(nonPublic: true);
            if (getter is null || !typeof(TValue).IsAssignableFrom(getter.ReturnType)) return null;
            return (Func<TOwner, TValue>)Delegate.CreateDelegate(typeof(Func<TOwner, TValue>), getter);
        }
        catch (Exception e) when (e is ArgumentException or MemberAccessException or System.Security.SecurityException)
        {
            // Not this PowerShell's shape: read through PSObject.Properties, as before.
            return null;
        }
    }
}
