using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using TencentImAttr.Core.Connection;
using Xunit;

namespace TencentImAttr.Tests.Architecture;

/// <summary>
/// The core's namespaces in layer order, bottom first: a namespace may use only those before it, so there is no
/// cycle. Read from the compiled assembly: signatures, base types, fields and every type or member an IL body
/// touches (lambdas and async state machines are nested types of the code that wrote them).
/// </summary>
public class LayeringTests
{
    private static readonly string[] Layers =
    {
        "TencentImAttr.Core.Text",
        "TencentImAttr.Core.Errors",
        "TencentImAttr.Core.Timing",
        "TencentImAttr.Core.Retry",
        "TencentImAttr.Core.Auth",
        "TencentImAttr.Core.Api",
        "TencentImAttr.Core.Connection",
        "TencentImAttr.Core.Input",
        "TencentImAttr.Models",
        "TencentImAttr.Core.Bulk",
        "TencentImAttr.Core.Operations",
        "TencentImAttr.Core.Journal",
    };

    private static readonly Assembly Core = typeof(ImConnection).Assembly;

    [Fact]
    public void Every_namespace_of_the_core_has_a_layer()
    {
        var namespaces = Core.GetTypes().Select(t => t.Namespace).Where(n => n is not null && n.StartsWith("TencentImAttr", StringComparison.Ordinal)).Distinct();
        Assert.All(namespaces, n => Assert.Contains(n, Layers));
    }

    [Fact]
    public void Namespaces_use_only_the_layers_below_them()
    {
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in Core.GetTypes())
        {
            var from = Array.IndexOf(Layers, type.Namespace);
            if (from < 0) continue;
            foreach (var used in References(type))
            {
                var to = Array.IndexOf(Layers, used.Namespace);
                if (to > from) violations.Add($"{type.Namespace} -> {used.Namespace} ({Outer(type).Name} uses {used.Name})");
            }
        }
        Assert.Empty(violations);
    }

    [Fact]
    public void The_reader_sees_references_in_method_bodies()
    {
        // A guard for the test itself: CallSender's loop uses ResponseClassifier only inside its (async) bodies.
        var sender = Core.GetType("TencentImAttr.Core.Bulk.CallSender")!;
        Assert.Contains(References(sender), t => t.Name == "ResponseClassifier");
    }

    private static Type Outer(Type type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    private static HashSet<Type> References(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null) return;
            if (t.HasElementType) { Add(t.GetElementType()); return; }
            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                foreach (var a in t.GetGenericArguments()) Add(a);
                t = t.GetGenericTypeDefinition();
            }
            if (t.IsGenericParameter) return;
            if (t.Assembly == Core) found.Add(t);
        }
        Add(type.BaseType);
        foreach (var i in type.GetInterfaces()) Add(i);
        foreach (var f in type.GetFields(all)) Add(f.FieldType);
        foreach (var p in type.GetProperties(all)) Add(p.PropertyType);
        foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (m is MethodInfo mi) Add(mi.ReturnType);
            foreach (var p in m.GetParameters()) Add(p.ParameterType);
            foreach (var t in BodyReferences(m)) Add(t);
        }
        foreach (var nested in type.GetNestedTypes(all))
        {
            foreach (var t in References(nested)) found.Add(t);
        }
        return found;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The types an IL body names: its tokens for types, fields and methods, resolved in the method's generic context.</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var module = method.Module;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            var code = OpCodesByValue[value];
            i += code.Size;
            switch (code.OperandType)
            {
                case OperandType.InlineType:
                case OperandType.InlineTok:
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                    var member = module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                    switch (member)
                    {
                        case Type t: yield return t; break;
                        case FieldInfo f: yield return f.DeclaringType!; yield return f.FieldType; break;
                        case MethodBase m:
                            yield return m.DeclaringType!;
                            if (m is MethodInfo { IsGenericMethod: true } g) foreach (var a in g.GetGenericArguments()) yield return a;
                            break;
                    }
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }
}
