using Microsoft.IdentityModel.Tokens;

namespace Custodian.Hosting;

/// <summary>What a development token is minted for and signed with: its issuer, its audience and the local key.</summary>
public interface ITokenSigning
{
    /// <summary>The <c>iss</c> claim.</summary>
    string Issuer { get; }

    /// <summary>The <c>aud</c> claim.</summary>
    string Audience { get; }

    /// <summary>The local HMAC-SHA256 signing key; <see cref="InvalidOperationException"/> when it cannot be had.</summary>
    SymmetricSecurityKey ResolveSigningKey();
}
