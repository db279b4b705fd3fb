using Microsoft.IdentityModel.Tokens;

namespace Custodian.Hosting;

/// <summary>Signing with the key in <paramref name="SigningKeyFile"/>, as the CLI mints tokens.</summary>
/// <param name="Issuer">The <c>iss</c> claim.</param>
/// <param name="Audience">The <c>aud</c> claim.</param>
/// <param name="SigningKeyFile">The file holding the base64 signing key.</param>
public sealed record KeyFileSigning(string Issuer, string Audience, string SigningKeyFile) : ITokenSigning
{
    /// <inheritdoc/>
    public SymmetricSecurityKey ResolveSigningKey() => SigningKeys.ReadFile(SigningKeyFile);
}
