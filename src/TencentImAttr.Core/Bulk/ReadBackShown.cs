using System;
using TencentImAttr.Core.Text;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// How a check shows the user's data in a mismatch message: values and names alike may come from the service, so both
/// are scrubbed of the connection's secrets, escaped and shortened when huge (<see cref="MessageText.Quote"/>); a value
/// is quoted as well.
/// </summary>
internal sealed class ReadBackShown
{
    private readonly Func<string?, string?> _scrub;

    /// <summary>Shows texts scrubbed by <paramref name="scrub"/> (the connection's scrubber).</summary>
    public ReadBackShown(Func<string?, string?> scrub) => _scrub = scrub;

    /// <summary>A value: scrubbed, escaped, shortened when huge, in single quotes.</summary>
    public string Value(string value) => "'" + MessageText.Quote(_scrub(value)) + "'";

    /// <summary>An attribute name: scrubbed, escaped, shortened when huge.</summary>
    public string Name(string name) => MessageText.Quote(_scrub(name));
}
