using System.Security.Cryptography;
using Custodian.Hosting;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Custodian.Tests.Gateway;

/// <summary>
/// The bearer handler's memory of validated tokens: a token is validated once and then served from memory only while
/// it is unexpired, for at most five minutes, and for the same parameters; invalid tokens are never remembered, and no
/// two calls share an identity. Validations are counted through the parameters' lifetime validator, which only a real
/// validation calls.
/// </summary>
public sealed class ValidatedTokensTests
{
    private const string Issuer = "custodian-tests";
    private const string Audience = "custodian-gateway";
    private const string DashboardAudience = "custodian-dashboard";
    private readonly SymmetricSecurityKey _key = new(RandomNumberGenerator.GetBytes(32));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private int _validations;

    [Fact]
    public async Task AValidTokenIsValidatedOnceAndEachCallGetsItsOwnIdentity()
    {
        // Arrange
        var tokens = new ValidatedTokens(_time);
        var token = Mint(_key, TimeSpan.FromHours(1));

        // Act
        var first = await tokens.ValidateTokenAsync(token, Parameters());
        var second = await tokens.ValidateTokenAsync(token, Parameters());

        // Assert
        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, _validations);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal(first.ClaimsIdentity.Claims.Select(c => (c.Type, c.Value)), second.ClaimsIdentity.Claims.Select(c => (c.Type, c.Value)));
        Assert.Equal("p1", second.ClaimsIdentity.FindFirst(CustodianClaims.Subject)?.Value);
    }

    [Fact]
    public async Task ARememberedTokenIsValidatedAgainAfterFiveMinutesAndAfterItExpires()
    {
        // Arrange
        var tokens = new ValidatedTokens(_time);
        var longLived = Mint(_key, TimeSpan.FromHours(1));
        var shortLived = Mint(_key, TimeSpan.FromMinutes(2));
        await tokens.ValidateTokenAsync(longLived, Parameters());
        await tokens.ValidateTokenAsync(shortLived, Parameters());

        // Act: 3 minutes on, past the short token's expiry; then 6 minutes on, past the memory's five
        _time.Advance(TimeSpan.FromMinutes(3));
        await tokens.ValidateTokenAsync(longLived, Parameters());
        var afterExpiry = _validations;
        await tokens.ValidateTokenAsync(shortLived, Parameters());
        var shortRevalidated = _validations;
        _time.Advance(TimeSpan.FromMinutes(3));
        await tokens.ValidateTokenAsync(longLived, Parameters());

        // Assert: 2 validations at first; the long token still remembered at 3 minutes, the short one not; the long one again at 6
        Assert.Equal(2, afterExpiry);
        Assert.Equal(3, shortRevalidated);
        Assert.Equal(4, _validations);
    }

    [Fact]
    public async Task AForgedTokenIsRefusedEveryTimeAndATokenIsTakenFromMemoryOnlyForTheParametersItWasValidatedWith()
    {
        // Arrange: a token signed with another key; a token validated for the gateway's audience, then one for the dashboard's
        var tokens = new ValidatedTokens(_time);
        var forged = Mint(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), TimeSpan.FromHours(1));
        var token = Mint(_key, TimeSpan.FromHours(1));
        var dashboard = Parameters();
        dashboard.ValidAudience = DashboardAudience;
        await tokens.ValidateTokenAsync(token, Parameters());
        var dashboardToken = await tokens.ValidateTokenAsync(Mint(_key, TimeSpan.FromHours(1), DashboardAudience), dashboard);

        // Act
        var forgedFirst = await tokens.ValidateTokenAsync(forged, Parameters());
        var forgedAgain = await tokens.ValidateTokenAsync(forged, Parameters());
        var elsewhere = await tokens.ValidateTokenAsync(token, dashboard);

        // Assert: the gateway's token, remembered, is still refused for the dashboard's audience
        Assert.False(forgedFirst.IsValid);
        Assert.False(forgedAgain.IsValid);
        Assert.True(dashboardToken.IsValid);
        Assert.False(elsewhere.IsValid);
    }

    private TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = _key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        LifetimeValidator = (notBefore, expires, _, _) =>
        {
            Interlocked.Increment(ref _validations);
            return expires > DateTime.UtcNow;
        },
    };

    private string Mint(SymmetricSecurityKey key, TimeSpan lifetime, string audience = Audience) =>
        DevelopmentTokens.Mint(new Signing(key, audience), "p1", "acme", ["app"], lifetime, _time.GetUtcNow());

    private sealed class Signing(SymmetricSecurityKey key, string audience) : ITokenSigning
    {
        public string Issuer => ValidatedTokensTests.Issuer;

        public string Audience => audience;

        public SymmetricSecurityKey ResolveSigningKey() => key;
    }
}
