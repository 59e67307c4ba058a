namespace TencentImAttr;

/// <summary>
/// Where each cmdlet's page is online (the Cmdlet attributes' HelpUri, which Get-Help -Online opens): the pages in
/// docs/cmdlets/, generated with the MAML help by tools/TencentImAttr.HelpGenerator. The base follows the manifest's
/// ProjectUri (a test holds them together).
/// </summary>
internal static class HelpLinks
{
    /// <summary>The folder of the cmdlet pages; a page is this plus Verb-Noun.md.</summary>
    public const string CmdletPages = "https://github.com/tencentimattr/TencentImAttr/blob/main/docs/cmdlets/";
}
