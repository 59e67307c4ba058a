using System;
using System.Collections.Generic;
using TencentImAttr.Core.Timing;

namespace TencentImAttr.Core.Auth;

/// <summary>Where a connection's UserSig comes from: a ready one, or one the module makes and renews from the secret key.</summary>
internal abstract class UserSigSource
{
    /// <summary>The UserSig to send now.</summary>
    internal abstract string Current();

    /// <summary>
    /// Makes a new UserSig after the service said <paramref name="rejected"/> expired or was invalidated; false when it
    /// cannot. Calls that fail together renew once: when the current UserSig is no longer the rejected one, it stands.
    /// </summary>
    internal abstract bool TryRenew(string rejected);

    /// <summary>The UserSigs handed out recently, for scrubbing texts.</summary>
    internal abstract string?[] Recent();

    /// <summary>Every secret a server could echo: the recent UserSigs, and the secret key where there is one.</summary>
    internal virtual IEnumerable<string?> Secrets() => Recent();

    /// <summary>When the current UserSig expires, where that is known.</summary>
    public abstract DateTimeOffset? ExpiresAt { get; }

    /// <summary>"SecretKey" or "UserSig": how the connection authenticates.</summary>
    public abstract string Kind { get; }

    /// <summary>Never the signature itself.</summary>
    public override string ToString() => Kind;
}

/// <summary>A UserSig given by the user: sent as it is; it cannot be renewed.</summary>
internal sealed class StaticUserSig : UserSigSource
{
    private readonly string _userSig;

    /// <summary>Wraps a ready UserSig.</summary>
    public StaticUserSig(string userSig)
    {
        if (string.IsNullOrWhiteSpace(userSig)) throw new ArgumentException("The UserSig is empty.", nameof(userSig));
        _userSig = userSig.Trim();
        ExpiresAt = UserSigInfo.TryParse(_userSig, out var info) ? info!.ExpiresAt : null;
    }

    internal override string Current() => _userSig;

    internal override bool TryRenew(string rejected) => false;

    internal override string?[] Recent() => new[] { _userSig };

    /// <inheritdoc />
    public override DateTimeOffset? ExpiresAt { get; }

    /// <inheritdoc />
    public override string Kind => "UserSig";
}

/// <summary>A UserSig made from the app's secret key, renewed before it expires.</summary>
internal sealed class GeneratedUserSig : UserSigSource
{
    /// <summary>The default lifetime of a generated UserSig as a TimeSpan text (one day, as Tencent's own samples use), for help.</summary>
    public const string DefaultLifetimeText = "1.00:00:00";

    /// <summary>The default lifetime of a generated UserSig: one day.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.Parse(DefaultLifetimeText, System.Globalization.CultureInfo.InvariantCulture);

    private readonly long _sdkAppId;
    private readonly string _identifier;
    private readonly byte[] _secretKey;
    private readonly TimeSpan _lifetime;
    private readonly IClock _clock;
    private readonly object _gate = new();
    private string? _current;
    // Every UserSig made in the last few renewals: a server may echo an older one after it was replaced.
    private readonly Queue<string> _issued = new();
    private const int IssuedKept = 16;
    private DateTimeOffset _expiresAt;

    /// <summary>Keeps the key (as UTF-8 bytes) to sign with; the caller may wipe its own copy.</summary>
    public GeneratedUserSig(long sdkAppId, string identifier, byte[] secretKey, TimeSpan? lifetime = null, IClock? clock = null)
    {
        if (secretKey is null || secretKey.Length == 0) throw new ArgumentException("The secret key is empty.", nameof(secretKey));
        _sdkAppId = sdkAppId;
        _identifier = identifier;
        _secretKey = (byte[])secretKey.Clone();
        _lifetime = lifetime ?? DefaultLifetime;
        _clock = clock ?? SystemClock.Instance;
        CheckLifetime(_lifetime, _clock.UtcNow);
    }

    /// <summary>
    /// The lifetimes a signature can carry: whole seconds (TLS.expire is a number of seconds), at least 10 minutes,
    /// and short enough that TLS.time + TLS.expire stays a signed 32-bit Unix time (before 2038-01-19), which is as
    /// far as servers that keep it in 32 bits can read. Checked when the connection is made, not at the first call.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The lifetime is one the signature cannot carry; the message says why.</exception>
    public static void CheckLifetime(TimeSpan lifetime, DateTimeOffset now)
    {
        if (lifetime < TimeSpan.FromMinutes(10)) throw new ArgumentOutOfRangeException(nameof(lifetime), "A generated UserSig must live at least 10 minutes.");
        if (lifetime.Ticks % TimeSpan.TicksPerSecond != 0) throw new ArgumentOutOfRangeException(nameof(lifetime), $"The UserSig lifetime {lifetime} is not a whole number of seconds, which is all a signature can carry.");
        var latest = DateTimeOffset.FromUnixTimeSeconds(int.MaxValue);
        if (lifetime > latest - now) throw new ArgumentOutOfRangeException(nameof(lifetime), $"The UserSig lifetime {lifetime.TotalDays:0} days would end after {latest:yyyy-MM-dd}, past what a signature's 32-bit time can carry; use a shorter one (Tencent's own samples use 1 to 180 days).");
    }

    /// <summary>How long before expiry a new UserSig is made: a tenth of the lifetime, at most an hour.</summary>
    public TimeSpan RenewBefore => TimeSpan.FromTicks(Math.Min(_lifetime.Ticks / 10, TimeSpan.FromHours(1).Ticks));

    internal override string Current()
    {
        lock (_gate)
        {
            if (_current is null || _clock.UtcNow >= _expiresAt - RenewBefore)
            {
                Make();
            }
            return _current!;
        }
    }

    internal override bool TryRenew(string rejected)
    {
        lock (_gate)
        {
            if (_current == rejected) Make();
            return true;
        }
    }

    internal override string?[] Recent()
    {
        lock (_gate)
        {
            return _issued.ToArray();
        }
    }

    internal override IEnumerable<string?> Secrets()
    {
        foreach (var sig in Recent()) yield return sig;
        yield return System.Text.Encoding.UTF8.GetString(_secretKey);
    }

    private void Make()
    {
        // A signature dated a little in the past survives a server clock that runs slightly behind ours.
        var issued = _clock.UtcNow - TimeSpan.FromMinutes(1);
        _current = UserSigGenerator.Generate(_sdkAppId, _identifier, _secretKey, issued, _lifetime);
        _issued.Enqueue(_current);
        if (_issued.Count > IssuedKept) _issued.Dequeue();
        _expiresAt = issued + _lifetime;
    }

    /// <inheritdoc />
    public override DateTimeOffset? ExpiresAt
    {
        get
        {
            lock (_gate)
            {
                return _current is null ? null : _expiresAt;
            }
        }
    }

    /// <inheritdoc />
    public override string Kind => "SecretKey";
}
