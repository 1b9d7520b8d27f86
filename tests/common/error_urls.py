"""The project's URLs (and error handlers) plus a view that fails, for the 500 page tests."""

from django.urls import path

from config.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401 (Django reads them)


def broken(request):
    raise RuntimeError("Something in the view broke")


urlpatterns = [*urlpatterns, path("broken/", broken)]
