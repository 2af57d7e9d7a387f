using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PodUnits.Core.Errors;
using PodUnits.Images.Oci;
using PodUnits.Core.Naming;

namespace PodUnits.Images.Registry;

/// <summary>
/// HTTP to one or more registries (OCI distribution spec v2). HTTPS always, plain HTTP only
/// for hosts listed as insecure. Authentication as registries demand it: on 401 with a
/// Bearer challenge a token is fetched from the realm (anonymously, or with basic
/// credentials from the auth file) for the challenge's service and scope, cached per
/// repository and sent from then on; a Basic challenge gets the credentials directly.
/// </summary>
internal sealed class RegistryClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly RegistrySettings _settings;
    private readonly Dictionary<string, AuthenticationHeaderValue> _auth = new(StringComparer.Ordinal);
    private readonly Lock _authLock = new();

    public RegistryClient(RegistrySettings settings, HttpMessageHandler? handler = null)
    {
        _settings = settings;
        _http = handler is null
            ? new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, ConnectTimeout = TimeSpan.FromSeconds(30) })
            : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = Timeout.InfiniteTimeSpan; // big blobs; cancellation and retries bound the time instead
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("podunits/1");
    }

    /// <summary>Where a pull of <paramref name="reference"/> is tried, in order: its mirrors
    /// (registries.yaml), then its own registry.</summary>
    public List<ImageReference> Sources(ImageReference reference) => _settings.SourcesFor(reference);

    public Uri Url(ImageReference reference, string path) =>
        new($"{(_settings.IsInsecure(reference.Registry) ? "http" : "https")}://{reference.ApiHost}/v2/{reference.Repository}/{path}");

    /// <summary>Sends a request built by <paramref name="build"/>, authenticating once if asked.</summary>
    public async Task<HttpResponseMessage> SendAsync(ImageReference reference, Func<HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        string key = reference.ApiHost + "/" + reference.Repository;
        for (int attempt = 0; ; attempt++)
        {
            HttpRequestMessage request = build();
            request.Options.Set(Inactivity.Key, _settings.ReadInactivityTimeout);
            lock (_authLock)
            {
                if (_auth.TryGetValue(key, out AuthenticationHeaderValue? header)) request.Headers.Authorization = header;
            }
            HttpResponseMessage response;
            string? asked = request.RequestUri?.Authority; // the handler rewrites RequestUri on a redirect
            try
            {
                response = await Inactivity.SendAsync(_http, request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException e) when (e.InnerException is System.Security.Authentication.AuthenticationException)
            {
                throw new PodUnitsException($"registry {reference.Registry}", $"TLS failed: {(ResourceKeys.IsKey(e.InnerException.Message) ? "the handshake did not complete" : e.InnerException.Message)} (a plain-HTTP registry must be listed under insecure: in {RegistrySettings.DefaultPath})");
            }
            if (response.StatusCode != HttpStatusCode.Unauthorized || attempt > 0) return response;
            // A challenge from the registry alone gets its credentials: a blob GET redirected to
            // a storage host (S3, a CDN) that answers 401 naming a token realm of its own must
            // not receive the registry's password, as containerd asks credentials of the host
            // that challenged. The 401 is returned as the answer it is.
            if (response.RequestMessage?.RequestUri is { } answered && !string.Equals(answered.Authority, asked, StringComparison.OrdinalIgnoreCase))
            {
                return response;
            }
            AuthChallenge? challenge = AuthChallenge.Parse(response.Headers.WwwAuthenticate.ToString());
            response.Dispose();
            AuthenticationHeaderValue value = await AuthenticateAsync(reference, challenge, cancellationToken);
            lock (_authLock)
            {
                _auth[key] = value;
            }
        }
    }

    private async Task<AuthenticationHeaderValue> AuthenticateAsync(ImageReference reference, AuthChallenge? challenge, CancellationToken cancellationToken)
    {
        (string User, string Password)? credentials = _settings.CredentialsFor(reference.ApiHost, reference.Repository) ?? _settings.CredentialsFor(reference.Registry, reference.Repository);
        AuthenticationHeaderValue? basic = credentials is { } c
            ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.User}:{c.Password}")))
            : null;
        if (challenge is null) throw Denied(reference, "401 without a WWW-Authenticate challenge");
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
            return basic ?? throw Denied(reference, $"needs credentials; add them to the auth file ({_settings.AuthFile ?? "authFile: in registries.yaml"})");
        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || !challenge.Parameters.TryGetValue("realm", out string? realm))
            throw Denied(reference, $"unsupported authentication scheme '{challenge.Scheme}'");
        var query = new StringBuilder();
        if (challenge.Parameters.TryGetValue("service", out string? service)) query.Append("service=").Append(Uri.EscapeDataString(service));
        string scope = challenge.Parameters.TryGetValue("scope", out string? s) ? s : $"repository:{reference.Repository}:pull";
        query.Append(query.Length > 0 ? "&" : "").Append("scope=").Append(Uri.EscapeDataString(scope));
        // An empty, relative or malformed realm is the registry's fault, said as a denial (a
        // mirror's then hands over to the next source); `new Uri` threw UriFormatException,
        // an internal error naming no registry (images review of 2026-12-06, finding 6).
        if (!Uri.TryCreate(realm + (realm.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query, UriKind.Absolute, out Uri? tokenUri)
            || tokenUri.Scheme is not ("https" or "http"))
            throw Denied(reference, $"token realm '{Core.Text.OneLine.Of(realm)}' is not an absolute http(s) URL");
        if (tokenUri.Scheme != "https" && !_settings.IsInsecure(tokenUri.Authority))
            throw Denied(reference, $"token realm {realm} is not HTTPS and its host is not listed as insecure");
        using var request = new HttpRequestMessage(HttpMethod.Get, tokenUri);
        request.Headers.Authorization = basic;
        request.Options.Set(Inactivity.Key, _settings.ReadInactivityTimeout);
        using HttpResponseMessage response = await Inactivity.SendAsync(_http, request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode) throw Denied(reference, $"token service {tokenUri.Host} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        byte[] body = await LimitedBody.ReadAsync(response, LimitedBody.MaxTokenBytes, $"token from {tokenUri.Host}", cancellationToken);
        TokenResponse? token;
        try
        {
            token = JsonSerializer.Deserialize(body, OciJsonContext.Default.TokenResponse);
        }
        catch (JsonException e)
        {
            throw Denied(reference, $"token service {tokenUri.Host} answered no JSON token: {JsonErrors.Describe(e)}");
        }
        string value = token?.Token ?? token?.AccessToken ?? throw Denied(reference, "token service sent no token");
        return new AuthenticationHeaderValue("Bearer", value);
    }

    private static PodUnitsException Denied(ImageReference reference, string why) =>
        new($"registry {reference.Registry}", $"authentication for {reference.Repository} failed: {why}");

    /// <summary>An error for a non-success answer, with the registry's error code if it sent one.</summary>
    public static async Task<PodUnitsException> ErrorAsync(ImageReference reference, HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        string body = "";
        try
        {
            body = Encoding.UTF8.GetString(await LimitedBody.ReadPrefixAsync(response, LimitedBody.MaxErrorBytes, cancellationToken)).Trim();
        }
        catch (Exception e) when (e is HttpRequestException or PodUnitsException)
        {
            // Unreadable or stalled (Inactivity): the status alone says enough.
        }
        if (body.Length > 300) body = body[..300];
        body = Core.Text.OneLine.Of(body); // the registry's text: no line breaks or escapes into the message
        string why = $"{(int)response.StatusCode} {response.ReasonPhrase}{(body.Length > 0 ? ": " + body : "")}";
        if (response.StatusCode == HttpStatusCode.NotFound) why = "not found in the registry (" + why + ")";
        return new PodUnitsException($"{what} of {reference.ToFamiliarString()}", why);
    }

    public void Dispose() => _http.Dispose();
}
