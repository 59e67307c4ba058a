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

    // The type names checked on this thread (a command's pipeline thread) since the command began, and whether their
    // objects' properties are their instance members alone. A few entries: a command's rows share their type names,
    // and two bulk cmdlets in one pipeline read two kinds of objects.
    private const int Remembered = 4;
    [ThreadStatic] private static List<(string[] TypeNames, bool InstanceOnly)>? t_checked;

    /// <summary>
    /// The gettable properties of <paramref name="input"/>, in PowerShell's order, as PSObject.Properties lists them;
    /// null when the shortcut does not apply (the caller then enumerates PSObject.Properties).
    /// </summary>
    public static List<PSPropertyInfo>? TryRead(PSObject input)
    {
        if (InstanceMembers is null || IsHidden is null || input.BaseObject is not PSCustomObject) return null;
        if (!InstanceOnly(input)) return null;
        var properties = new List<PSPropertyInfo>();
        foreach (var member in InstanceMembers(input))
        {
            if (member is PSPropertyInfo { IsGettable: true } property && !IsHidden!(property)) properties.Add(property);
        }
        return properties;
    }

    /// <summary>
    /// Forgets what was checked: a command starts from nothing, since type data may have changed between commands
    /// (Update-TypeData). Called when a bulk command begins.
    /// </summary>
    public static void Forget() => t_checked?.Clear();

    /// <summary>Whether objects with <paramref name="input"/>'s type names list exactly their instance members: checked once per type names.</summary>
    private static bool InstanceOnly(PSObject input)
    {
        var typeNames = input.TypeNames;
        var known = t_checked ??= new List<(string[], bool)>(Remembered);
        for (var k = 0; k < known.Count; k++)
        {
            if (SameTypeNames(known[k].TypeNames, typeNames)) return known[k].InstanceOnly;
        }
        var names = new string[typeNames.Count];
        typeNames.CopyTo(names, 0);
        var instanceOnly = SameAsPublic(input);
        if (known.Count == Remembered) known.RemoveAt(0);
        known.Add((names, instanceOnly));
        return instanceOnly;
    }

    private static bool SameTypeNames(string[] known, System.Collections.ObjectModel.Collection<string> typeNames)
    {
        if (known.Length != typeNames.Count) return false;
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
