using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Text;

namespace TencentImAttr.Core.Bulk;

/// <summary>A failure being retried, as the progress status shows it: its id and the start of its message.</summary>
internal static class RetryText
{
    /// <summary>Characters of the message kept: a status line is one line of a console.</summary>
    public const int MessageChars = 80;

    /// <summary>"ImHttpError503: im_set_attr: HTTP 503 Service Unavailable..." (the message is secret-free already; escaped here).</summary>
    public static string Of(ImApiException e)
    {
        var message = MessageText.Escape(e.Message);
        if (message.Length > MessageChars) message = message.Substring(0, MessageChars) + "...";
        return $"{e.ErrorId}: {message}";
    }
}
