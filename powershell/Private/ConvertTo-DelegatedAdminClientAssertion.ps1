function ConvertTo-DelegatedAdminClientAssertion {
    <#
    .SYNOPSIS
    Signs a client assertion (a JWT) with a certificate's private key, in .NET.

    .DESCRIPTION
    What the Microsoft identity platform takes instead of a client secret ("certificate credentials"): a JWT with
    the header {"alg":"PS256","typ":"JWT","x5t#S256":<base64url SHA-256 of the certificate>} (or, with RS256,
    {"alg":"RS256","typ":"JWT","x5t":<base64url SHA-1>}) and the claims aud (the token endpoint,
    {authority}/{tenant}/oauth2/v2.0/token), iss and sub (the client id), jti (a new GUID), iat and nbf (now) and exp
    (now + -LifetimeMinutes), signed RSASSA-PSS or PKCS#1 v1.5 with SHA-256. Used for certificates whose key stays in
    .NET (Connect-DelegatedAdmin -CertificateThumbprint, -Certificate): the library receives only the assertion
    (auth.clientAssertion), never the key. Works on .NET Framework 4.7.2 (Windows PowerShell 5.1) and .NET.

    An expired or not yet valid certificate, or one without an RSA private key this process can use, is an
    ErrorRecord thrown before anything is signed. PS256 needs a key provider that does RSA-PSS (CNG on Windows; a
    legacy CryptoAPI key does not): its failure says to use -SignatureAlgorithm RS256.

    .PARAMETER Certificate
    The certificate, with its private key.

    .PARAMETER ClientId
    The application (client) id: the assertion's iss and sub.

    .PARAMETER Audience
    The token endpoint the assertion is for.

    .PARAMETER SignatureAlgorithm
    PS256 (the default; the identity platform's recommendation) or RS256.

    .PARAMETER LifetimeMinutes
    How long the assertion is valid (default 10, as MSAL makes them).

    .OUTPUTS
    PSCustomObject: Assertion (System.String, a secret: clear it after use) and ExpiresOn (UTC DateTime).
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Security.Cryptography.X509Certificates.X509Certificate2] $Certificate,

        [Parameter(Mandatory = $true)]
        [string] $ClientId,

        [Parameter(Mandatory = $true)]
        [string] $Audience,

        [Parameter()]
        [ValidateSet('PS256', 'RS256')]
        [string] $SignatureAlgorithm = 'PS256',

        [Parameter()]
        [ValidateRange(1, 60)]
        [int] $LifetimeMinutes = 10
    )

    $now = [DateTime]::UtcNow
    $subject = $Certificate.Subject
    if ($Certificate.NotAfter.ToUniversalTime() -lt $now) {
        $record = ConvertTo-DelegatedAdminErrorRecord -Message ("The certificate '{0}' (thumbprint {1}) expired on {2:u}: renew it and register the new one on the application." -f $subject, $Certificate.Thumbprint, $Certificate.NotAfter.ToUniversalTime()) -ErrorId 'DelegatedAdmin.CertificateExpired' -Category InvalidArgument -TargetObject $Certificate.Thumbprint
        throw $record
    }
    if ($Certificate.NotBefore.ToUniversalTime() -gt $now.AddMinutes(5)) {
        $record = ConvertTo-DelegatedAdminErrorRecord -Message ("The certificate '{0}' (thumbprint {1}) is not valid before {2:u}." -f $subject, $Certificate.Thumbprint, $Certificate.NotBefore.ToUniversalTime()) -ErrorId 'DelegatedAdmin.CertificateNotYetValid' -Category InvalidArgument -TargetObject $Certificate.Thumbprint
        throw $record
    }
    $rsa = $null
    try {
        $rsa = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate)
    }
    catch {
        $rsa = $null
    }
    if ($null -eq $rsa) {
        $record = ConvertTo-DelegatedAdminErrorRecord -Message ("The certificate '{0}' (thumbprint {1}) has no RSA private key this process can use (a certificate without its key, a key of another kind, or a key this account may not read)." -f $subject, $Certificate.Thumbprint) -ErrorId 'DelegatedAdmin.CertificateUnusable' -Category InvalidArgument -TargetObject $Certificate.Thumbprint
        throw $record
    }

    $encode = {
        param([byte[]] $bytes)
        [Convert]::ToBase64String($bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')
    }
    $utf8 = New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false
    $header = [ordered]@{ alg = $SignatureAlgorithm; typ = 'JWT' }
    if ($SignatureAlgorithm -eq 'PS256') {
        $sha256 = [System.Security.Cryptography.SHA256]::Create()
        try {
            $header['x5t#S256'] = & $encode $sha256.ComputeHash($Certificate.RawData)
        }
        finally {
            $sha256.Dispose()
        }
        $padding = [System.Security.Cryptography.RSASignaturePadding]::Pss
    }
    else {
        $sha1 = [System.Security.Cryptography.SHA1]::Create()
        try {
            $header['x5t'] = & $encode $sha1.ComputeHash($Certificate.RawData)
        }
        finally {
            $sha1.Dispose()
        }
        $padding = [System.Security.Cryptography.RSASignaturePadding]::Pkcs1
    }
    $epoch = New-Object -TypeName DateTime -ArgumentList 1970, 1, 1, 0, 0, 0, ([DateTimeKind]::Utc)
    $issued = [long][Math]::Floor(($now - $epoch).TotalSeconds)
    $expires = $issued + 60 * $LifetimeMinutes
    $claims = [ordered]@{
        aud = $Audience
        iss = $ClientId
        sub = $ClientId
        jti = [guid]::NewGuid().ToString()
        iat = $issued
        nbf = $issued
        exp = $expires
    }
    $signingInput = '{0}.{1}' -f (& $encode $utf8.GetBytes((ConvertTo-Json -InputObject $header -Compress))), (& $encode $utf8.GetBytes((ConvertTo-Json -InputObject $claims -Compress)))
    try {
        $signature = $rsa.SignData($utf8.GetBytes($signingInput), [System.Security.Cryptography.HashAlgorithmName]::SHA256, $padding)
    }
    catch {
        $inner = $_.Exception
        while ($null -ne $inner.InnerException) {
            $inner = $inner.InnerException
        }
        $hint = ''
        if ($SignatureAlgorithm -eq 'PS256') {
            $hint = ' If its key provider cannot sign RSA-PSS (a legacy CryptoAPI key), connect with -SignatureAlgorithm RS256.'
        }
        $record = ConvertTo-DelegatedAdminErrorRecord -Message ("Signing the client assertion with the certificate '{0}' (thumbprint {1}) failed: {2}{3}" -f $subject, $Certificate.Thumbprint, $inner.Message, $hint) -ErrorId 'DelegatedAdmin.CertificateSigningFailed' -Category InvalidOperation -TargetObject $Certificate.Thumbprint -Exception $inner
        throw $record
    }
    finally {
        $rsa.Dispose()
    }
    [pscustomobject]@{
        Assertion = '{0}.{1}' -f $signingInput, (& $encode $signature)
        ExpiresOn = $epoch.AddSeconds($expires)
    }
}
