using System.Collections.Generic;
using TencentImAttr.Core.Api;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Journal;

/// <summary>Set-ImAppAttributeName's journal: one item (position 0, call 1), the names given and the names the app held before.</summary>
internal static class AppNamesJournal
{
    private const long Call = 1;

    /// <summary>Writes the intent, flushed to the disk before the call is sent.</summary>
    public static void WriteIntent(RunJournal journal, SetAttributeNamesRequest request, IReadOnlyList<AppAttributeName> prior)
    {
        journal.NextPosition();
        using var lines = new JournalLines();
        var w = lines.Start(JournalRecordTypes.Intent);
        w.WriteNumber("call", Call);
        w.WriteStartArray("pos");
        w.WriteNumberValue(0);
        w.WriteEndArray();
        w.WriteStartObject("appAttributeNames");
        foreach (var name in request.AttrNames) w.WriteString(name.Key, name.Value);
        w.WriteEndObject();
        if (request.AttrTypes is { } types)
        {
            w.WriteStartObject("accountTypes");
            foreach (var type in types) w.WriteString(type.Key, ((AttributeAccountType)type.Value).ToString());
            w.WriteEndObject();
        }
        w.WriteStartObject("priorAppAttributeNames");
        foreach (var name in prior) w.WriteString(name.Slot.ToString(System.Globalization.CultureInfo.InvariantCulture), name.Name);
        w.WriteEndObject();
        w.WriteStartObject("priorAccountTypes");
        foreach (var name in prior)
        {
            if (name.AccountType is { } type) w.WriteString(name.Slot.ToString(System.Globalization.CultureInfo.InvariantCulture), type.ToString());
        }
        w.WriteEndObject();
        lines.End();
        journal.Write(lines, durable: true);
    }

    /// <summary>Writes the call's outcome (<see cref="JournalOutcomes"/>) and, for a failure, its error id.</summary>
    public static void WriteOutcome(RunJournal journal, string outcome, string? errorId)
    {
        using var lines = new JournalLines();
        var w = lines.Start(JournalRecordTypes.Outcome);
        w.WriteNumber("call", Call);
        w.WriteStartArray("pos");
        w.WriteNumberValue(0);
        w.WriteEndArray();
        w.WriteString("user", "");
        w.WriteString("outcome", outcome);
        if (errorId is not null) w.WriteString("errorId", errorId);
        lines.End();
        journal.Write(lines, durable: false);
    }
}
