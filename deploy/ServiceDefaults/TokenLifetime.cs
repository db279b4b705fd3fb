using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Custodian.Hosting;

/// <summary>
/// The lifetime check of every token Custodian accepts: the usual window (not before <c>nbf</c>, not
/// after <c>exp</c>, with the clock skew), and a bound on how long the token lives, so a token minted to
/// be valid for years is refused however well it is signed.
/// </summary>
public static class TokenLifetime
{
    /// <summary>
    /// True when the token has an <c>exp</c>, is inside its window (with the parameters' clock skew) and
    /// lives at most <paramref name="maximum"/> from the earlier of <c>iat</c> and <c>nbf</c>.
    /// </summary>
    public static bool IsAcceptable(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters, TimeSpan maximum)
    {
        // The window, as the default validator checks it (which cannot be called from here: it would call back).
        var now = DateTime.UtcNow;
        if (expires is not { } exp || exp.ToUniversalTime() < now - parameters.ClockSkew
            || (notBefore is { } nbf && nbf.ToUniversalTime() > now + parameters.ClockSkew))
        {
            return false;
        }

        var issuedAt = token is JsonWebToken { IssuedAt: var iat } && iat != DateTime.MinValue ? iat : (DateTime?)null;
        DateTime? start = (issuedAt, notBefore) switch
        {
            ({ } i, { } n) => i < n ? i : n,
            ({ } i, null) => i,
            (null, { } n) => n,
            _ => null,
        };
        return start is { } from && exp.ToUniversalTime() - from.ToUniversalTime() <= maximum;
    }
}
