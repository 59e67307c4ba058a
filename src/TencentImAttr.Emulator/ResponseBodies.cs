using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TencentImAttr.Emulator;

/// <summary>One user's failure in a call that otherwise succeeded (the Push family's ErrorList).</summary>
internal sealed record UserFailure(string User, int Code, string Info);

/// <summary>
/// Writes the answers in the documented shapes, field by field: the envelope first (ActionStatus, ErrorInfo,
/// ErrorCode), then the API's own fields, then an ErrorList only when there is one, as the real service does.
/// </summary>
internal static class ResponseBodies
{
    // Raw UTF-8 rather than \uXXXX escapes, as the real service answers: this is an API body, never HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A FAIL envelope.</summary>
    public static byte[] Fail(int code, string info) => Write("FAIL", code, info, null, null);

    /// <summary>An OK envelope with the API's fields written by <paramref name="fields"/> and the users that failed.</summary>
    public static byte[] Ok(Action<Utf8JsonWriter>? fields = null, IReadOnlyCollection<UserFailure>? errorList = null) =>
        Write("OK", 0, "", fields, errorList);

    /// <summary>The UserAttrs of a get answer: each user with an Attrs object, <c>{}</c> when it has none.</summary>
    public static Action<Utf8JsonWriter> UserAttrs(IEnumerable<(string User, IReadOnlyDictionary<string, string> Values)> users) => writer =>
    {
        writer.WriteStartArray("UserAttrs");
        foreach (var (user, values) in users)
        {
            writer.WriteStartObject();
            writer.WriteString("To_Account", user);
            writer.WriteStartObject("Attrs");
            foreach (var pair in values) writer.WriteString(pair.Key, pair.Value);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    };

    /// <summary>The UserTags of a get_tag answer: each user with a Tags array, <c>[]</c> when it has none.</summary>
    public static Action<Utf8JsonWriter> UserTags(IEnumerable<(string User, IReadOnlyList<string> Tags)> users) => writer =>
    {
        writer.WriteStartArray("UserTags");
        foreach (var (user, tags) in users)
        {
            writer.WriteStartObject();
            writer.WriteString("To_Account", user);
            writer.WriteStartArray("Tags");
            foreach (var tag in tags) writer.WriteStringValue(tag);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    };

    /// <summary>The AttrNames (and, where given, AttrTypes) of a get_attr_name answer, keyed by slot.</summary>
    public static Action<Utf8JsonWriter> AttrNames(IReadOnlyCollection<(int Slot, string Name, int? Type)> names, bool withTypes) => writer =>
    {
        writer.WriteStartObject("AttrNames");
        foreach (var n in names) writer.WriteString(n.Slot.ToString(CultureInfo.InvariantCulture), n.Name);
        writer.WriteEndObject();
        if (withTypes && names.Any(n => n.Type is not null))
        {
            writer.WriteStartObject("AttrTypes");
            foreach (var n in names.Where(n => n.Type is not null)) writer.WriteNumber(n.Slot.ToString(CultureInfo.InvariantCulture), n.Type!.Value);
            writer.WriteEndObject();
        }
    };

    private static byte[] Write(string status, int code, string info, Action<Utf8JsonWriter>? fields, IReadOnlyCollection<UserFailure>? errorList)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("ActionStatus", status);
            writer.WriteString("ErrorInfo", info);
            writer.WriteNumber("ErrorCode", code);
            fields?.Invoke(writer);
            if (errorList is { Count: > 0 })
            {
                writer.WriteStartArray("ErrorList");
                foreach (var failure in errorList)
                {
                    writer.WriteStartObject();
                    writer.WriteString("To_Account", failure.User);
                    writer.WriteNumber("ErrorCode", failure.Code);
                    writer.WriteString("ErrorInfo", failure.Info);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
