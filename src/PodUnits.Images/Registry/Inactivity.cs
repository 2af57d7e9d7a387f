using PodUnits.Core.Errors;

namespace PodUnits.Images.Registry;

/// <summary>
/// A registry that accepts the connection and then goes silent (no RST; TCP keepalive is
/// off by default) would keep a read waiting for ever, and a pull holds store.lock shared
/// meanwhile, so gc and image rm would wait too. Every wait for a registry's answer (its
/// headers, then each read of its body) therefore fails after
/// <see cref="RegistrySettings.ReadInactivityTimeout"/> without a byte. The time rides on
/// the request (<see cref="Key"/>), so whoever reads the body needs nothing more than the
/// response; a response without it (a lookaside server's) gets <see cref="Default"/>.
/// </summary>
internal static class Inactivity
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(60);

    public static readonly HttpRequestOptionsKey<TimeSpan> Key = new("podunits.inactivity");

    /// <summary>Sends <paramref name="request"/>, failing when no answer has begun within the time.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        TimeSpan limit = request.Options.TryGetValue(Key, out TimeSpan t) ? t : Default;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(limit);
        try
        {
            return await http.SendAsync(request, completion, timer.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException
            && timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Stalled(request.RequestUri?.Authority, limit);
        }
    }

    /// <summary>One read of a registry's body, failing when nothing comes within the time.</summary>
    public static async Task<int> ReadAsync(HttpResponseMessage response, Stream body, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        TimeSpan limit = response.RequestMessage?.Options.TryGetValue(Key, out TimeSpan t) == true ? t : Default;
        // A timer per read, not one reset between reads: the time spent writing what was
        // read (a slow disk) must not count against the registry.
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(limit);
        try
        {
            return await body.ReadAsync(buffer, timer.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException
            && timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Stalled(response.RequestMessage?.RequestUri?.Authority, limit);
        }
    }

    private static RegistryStalledException Stalled(string? host, TimeSpan limit) => new(host, limit);
}

/// <summary>A registry that went silent (<see cref="Inactivity"/>). A pull counts it as a
/// registry it cannot reach (<see cref="RegistryUnreachableException.Is"/>), as a connection
/// that fails: under imagePullPolicy Always a pod then runs its stored copy, as it does when
/// the registry does not answer at all.</summary>
public sealed class RegistryStalledException(string? host, TimeSpan limit)
    : PodUnitsException($"registry {host}", $"sent nothing for {limit.TotalSeconds:0.###} s")
{
    public TimeSpan Limit { get; } = limit;
}
