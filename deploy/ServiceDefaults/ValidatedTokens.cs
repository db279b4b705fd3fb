using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Custodian.Hosting;

/// <summary>
/// The JWT bearer handler's token handler, remembering tokens it has validated: a client presents the same token on
/// every call until it expires, and validating it again (parsing, the signature's HMAC, issuer, audience, lifetime)
/// was the largest part of the gateway's own work per call. A token is taken from memory only while it is unexpired
/// (its <c>exp</c>, without the clock skew) and for at most <see cref="MaximumAge"/> after it was validated, so keys
/// fetched from an authority that rotates them are honoured within that time. Only valid tokens are remembered (an
/// invalid one is validated again every time, and refused); each call gets a copy of the identity, never a shared one.
/// At most <see cref="Capacity"/> tokens are kept; past that, the memory starts again empty.
/// </summary>
public sealed class ValidatedTokens(TimeProvider time) : TokenHandler
{
    /// <summary>How long a validated token is taken from memory at most.</summary>
    public static readonly TimeSpan MaximumAge = TimeSpan.FromMinutes(5);

    /// <summary>How many validated tokens are kept at most.</summary>
    public const int Capacity = 10_000;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, Validated> _validated = new(StringComparer.Ordinal);

    public override int MaximumTokenSizeInBytes
    {
        get => _handler.MaximumTokenSizeInBytes;
        set => _handler.MaximumTokenSizeInBytes = value;
    }

    public override SecurityToken ReadToken(string token) => _handler.ReadToken(token);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow();
        if (_validated.TryGetValue(token, out var known) && now < known.Until && Same(known.Parameters, validationParameters))
        {
            return new TokenValidationResult
            {
                IsValid = true,
                ClaimsIdentity = known.Result.ClaimsIdentity.Clone(),
                SecurityToken = known.Result.SecurityToken,
                Issuer = known.Result.Issuer,
                TokenType = known.Result.TokenType,
            };
        }

        var result = await _handler.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken { ValidTo: var expires } && expires > now.UtcDateTime)
        {
            if (_validated.Count >= Capacity)
            {
                _validated.Clear();
            }

            var until = new DateTimeOffset(expires, TimeSpan.Zero);
            _validated[token] = new Validated(result, until < now + MaximumAge ? until : now + MaximumAge, validationParameters);
        }
        else
        {
            _validated.TryRemove(token, out _);
        }

        return result;
    }

    /// <summary>
    /// Whether <paramref name="parameters"/> validate as <paramref name="known"/>, those a token was validated with: the
    /// bearer handler passes a copy of its configured parameters per call, so issuer, audience and keys are compared.
    /// </summary>
    private static bool Same(TokenValidationParameters known, TokenValidationParameters parameters) =>
        known.ValidIssuer == parameters.ValidIssuer
        && known.ValidAudience == parameters.ValidAudience
        && Same(known.ValidIssuers, parameters.ValidIssuers)
        && Same(known.ValidAudiences, parameters.ValidAudiences)
        && known.IssuerSigningKey == parameters.IssuerSigningKey
        && Same(known.IssuerSigningKeys, parameters.IssuerSigningKeys);

    private static bool Same<T>(IEnumerable<T>? a, IEnumerable<T>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);

    private sealed record Validated(TokenValidationResult Result, DateTimeOffset Until, TokenValidationParameters Parameters);
}
