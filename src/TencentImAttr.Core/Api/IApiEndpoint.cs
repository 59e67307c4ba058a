using System;
using TencentImAttr.Core.Text;
using TencentImAttr.Core.Timing;

namespace TencentImAttr.Core.Api;

/// <summary>
/// What the API client needs to know about where and as whom it calls: no retries, quota or renewal here, so the
/// client sends one attempt and nothing more.
/// </summary>
internal interface IApiEndpoint
{
    /// <summary>The endpoint the calls go to.</summary>
    Uri BaseUri { get; }

    /// <summary>The app's SDKAppID.</summary>
    long SdkAppId { get; }

    /// <summary>The administrator account that signs the calls.</summary>
    string Identifier { get; }

    /// <summary>The API family, which decides the paths.</summary>
    ImService Service { get; }

    /// <summary>The longest one HTTP attempt may take.</summary>
    TimeSpan Timeout { get; }

    /// <summary>The clock (for a Retry-After given as a date without the server's Date).</summary>
    IClock Clock { get; }

    /// <summary>Removes the endpoint's secrets, in every echo form, from the server's texts.</summary>
    SecretScrubber Scrubber { get; }
}
