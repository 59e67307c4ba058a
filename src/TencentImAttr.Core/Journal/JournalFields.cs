using System.Collections.Generic;
using System.Text.Json;

namespace TencentImAttr.Core.Journal;

/// <summary>
/// The journal's field writers that a run's records (<see cref="JournalShape{TItem, TResult, TState}"/>) and an undo's
/// own records (<see cref="RunUndo"/>) share: one way to write values, priors and lists.
/// </summary>
internal static class JournalFields
{
    /// <summary>Writes <paramref name="values"/> as an object of name to value.</summary>
    public static void WriteValues(Utf8JsonWriter w, string property, IEnumerable<KeyValuePair<string, string>> values)
    {
        w.WriteStartObject(property);
        foreach (var pair in values) w.WriteString(pair.Key, pair.Value);
        w.WriteEndObject();
    }

    /// <summary>Writes the prior value of each of <paramref name="names"/>: its text, or null when the user held none.</summary>
    public static void WritePrior(Utf8JsonWriter w, IEnumerable<string> names, IReadOnlyDictionary<string, string> held)
    {
        w.WriteStartObject("prior");
        foreach (var name in names)
        {
            if (held.TryGetValue(name, out var value)) w.WriteString(name, value);
            else w.WriteNull(name);
        }
        w.WriteEndObject();
    }

    /// <summary>Writes a list of texts.</summary>
    public static void WriteList(Utf8JsonWriter w, string property, IEnumerable<string> texts)
    {
        w.WriteStartArray(property);
        foreach (var text in texts) w.WriteStringValue(text);
        w.WriteEndArray();
    }
}
