package filestore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config says which bucket of which S3-compatible service holds the
// files, and how to sign in to it.
type S3Config struct {
	// Bucket and Prefix: the files are objects Prefix/ab/abcdef... in Bucket.
	Bucket string
	Prefix string
	// Endpoint is the service's URL: https://host[:port] (http:// only for
	// a service on the same machine or network, as in the tests).
	Endpoint  string
	Region    string
	AccessKey string
	SecretKey string
	// PathStyle asks for https://host/bucket/key rather than
	// https://bucket.host/key: MinIO, Ceph and most self-hosted services
	// want it; AWS and R2 take either.
	PathStyle bool
	// SpoolDir holds an upload while its SHA-256, the object's name, is
	// computed ("": the system's temporary directory).
	SpoolDir string
}

// ParseS3URL reads s3://bucket/prefix into c's Bucket and Prefix.
func ParseS3URL(raw string) (bucket, prefix string, err error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", "", fmt.Errorf("%q is not s3://BUCKET or s3://BUCKET/PREFIX", raw)
	}
	prefix = strings.Trim(u.Path, "/")
	if strings.Contains(prefix, "//") || strings.Contains("/"+prefix+"/", "/../") || strings.Contains("/"+prefix+"/", "/./") {
		return "", "", fmt.Errorf("%q: the prefix must be plain names separated by single slashes", raw)
	}
	return u.Host, prefix, nil
}

// Bucket stores files as objects in an S3-compatible bucket.
//
// An object is written once, under the SHA-256 of its content, with
// Content-MD5 so the service refuses bytes damaged on the way; its type is
// application/octet-stream and its disposition attachment, so that even
// someone given direct access to the bucket is never shown an upload as a
// page. The desk itself serves documents only through its own handlers,
// with the type and name from its records.
type Bucket struct {
	client *minio.Client
	cfg    S3Config
}

// Validate reports settings that cannot work, before any connection.
func (c S3Config) Validate() error {
	_, err := c.endpoint()
	return err
}

func (c S3Config) endpoint() (*url.URL, error) {
	if c.Bucket == "" {
		return nil, errors.New("no bucket given")
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		return nil, errors.New("no access key and secret: set RMADESK_S3_ACCESS_KEY_ID and RMADESK_S3_SECRET_ACCESS_KEY")
	}
	endpoint := c.Endpoint
	if endpoint == "" {
		endpoint = "https://s3.amazonaws.com"
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return nil, fmt.Errorf("endpoint %q is not https://HOST[:PORT]", c.Endpoint)
	}
	return u, nil
}

// OpenS3 connects to the bucket and checks that it exists and the keys may
// read it, so that a wrong setting stops a desk at start, not at the first
// upload.
func OpenS3(ctx context.Context, cfg S3Config) (*Bucket, error) {
	u, err := cfg.endpoint()
	if err != nil {
		return nil, err
	}
	endpoint := u.String()
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	transport, err := minio.DefaultTransport(u.Scheme == "https")
	if err != nil {
		return nil, err
	}
	// A service that accepts the connection and then says nothing must not
	// hold a request (and the person behind it) forever; a large download
	// may still take as long as it takes once it has started.
	transport.ResponseHeaderTimeout = 30 * time.Second
	client, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       cfg.Region,
		BucketLookup: lookup,
		Transport:    transport,
	})
	if err != nil {
		return nil, fmt.Errorf("endpoint %s: %w", endpoint, err)
	}
	b := &Bucket{client: client, cfg: cfg}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("%s at %s: %w", b.Where(), endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("%s at %s: no such bucket", b.Where(), endpoint)
	}
	return b, nil
}

// Where is s3://bucket/prefix.
func (b *Bucket) Where() string {
	if b.cfg.Prefix == "" {
		return "s3://" + b.cfg.Bucket
	}
	return "s3://" + b.cfg.Bucket + "/" + b.cfg.Prefix
}

func (b *Bucket) key(name string) string {
	if b.cfg.Prefix == "" {
		return name
	}
	return b.cfg.Prefix + "/" + name
}

// Save spools r to a temporary file to learn its SHA-256, then writes it
// under that name unless an object of that name and size is there already
// (the same content is stored once).
func (b *Bucket) Save(ctx context.Context, r io.Reader) (string, int64, string, error) {
	tmp, err := os.CreateTemp(b.cfg.SpoolDir, ".rmadesk-upload-*")
	if err != nil {
		return "", 0, "", err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), readerWithContext{ctx, r})
	if err != nil {
		return "", 0, "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	name := sum[:2] + "/" + sum
	key := b.key(name)
	if info, err := b.client.StatObject(ctx, b.cfg.Bucket, key, minio.StatObjectOptions{}); err == nil && info.Size == n {
		return name, n, sum, nil
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return "", 0, "", err
	}
	info, err := b.client.PutObject(ctx, b.cfg.Bucket, key, tmp, n, minio.PutObjectOptions{
		ContentType:        "application/octet-stream",
		ContentDisposition: "attachment",
		SendContentMd5:     true,
		DisableMultipart:   n < 64<<20, // one request, checked whole, for all but large videos
		UserMetadata:       map[string]string{"sha256": sum},
	})
	if err != nil {
		return "", 0, "", fmt.Errorf("writing %s to %s: %w", name, b.Where(), err)
	}
	if info.Size != n {
		return "", 0, "", fmt.Errorf("writing %s to %s: the service stored %d bytes of %d", name, b.Where(), info.Size, n)
	}
	return name, n, sum, nil
}

// Open returns the object's bytes as they are read from the service. The
// object is looked up first, so a missing one is reported here (matching
// fs.ErrNotExist) rather than at the first read.
func (b *Bucket) Open(path string) (io.ReadCloser, error) {
	if !validName(path) {
		return nil, fmt.Errorf("file path %q is not a stored file's name", path)
	}
	obj, err := b.client.GetObject(context.Background(), b.cfg.Bucket, b.key(path), minio.GetObjectOptions{})
	if err != nil {
		return nil, b.fail(path, err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return nil, b.fail(path, err)
	}
	return obj, nil
}

func (b *Bucket) fail(path string, err error) error {
	if r := minio.ToErrorResponse(err); r.StatusCode == http.StatusNotFound || r.Code == "NoSuchKey" {
		return fmt.Errorf("%s/%s: %w", b.Where(), path, fs.ErrNotExist)
	}
	return fmt.Errorf("%s/%s: %w", b.Where(), path, err)
}

// Walk lists the objects under the prefix; S3 lists keys in byte order.
func (b *Bucket) Walk(ctx context.Context, fn func(path string) error) error {
	prefix := ""
	if b.cfg.Prefix != "" {
		prefix = b.cfg.Prefix + "/"
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing when fn fails
	for info := range b.client.ListObjects(ctx, b.cfg.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if info.Err != nil {
			return fmt.Errorf("listing %s: %w", b.Where(), info.Err)
		}
		name := strings.TrimPrefix(info.Key, prefix)
		if strings.HasSuffix(name, "/") { // a folder marker some tools make
			continue
		}
		if err := fn(name); err != nil {
			return err
		}
	}
	return ctx.Err()
}
